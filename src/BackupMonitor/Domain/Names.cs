using System.Text.RegularExpressions;

namespace BackupMonitor.Domain;

/// <summary>Naming rules for agent ids and database names (SPEC §2).</summary>
public static partial class Names
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex IdentifierPattern();

    public const string IdentifierRule = "must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";

    public static bool IsValidIdentifier(string? value) => value is not null && IdentifierPattern().IsMatch(value);

    /// <summary>`company_city_neighborhood`, case preserved, spaces replaced by `-`.</summary>
    public static string DefaultAgentId(string company, string city, string neighborhood) =>
        string.Join('_', new[] { company, city, neighborhood }.Select(p => p.Trim().Replace(' ', '-')));
}
