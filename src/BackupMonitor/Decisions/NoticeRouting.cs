using BackupMonitor.Domain;

namespace BackupMonitor.Decisions;

/// <summary>
/// What routes look at in a notice: where it comes from, and its status (an entry status, `drill_failed`, `recovery`,
/// `warning` or `report`). A field the notice lacks (a monthly report has no city, agent or database) is null, and a
/// matcher on it never holds.
/// </summary>
public sealed record RoutedNotice(string? Company, string? City, string? Agent, string? Database, string Status)
{
    public static RoutedNotice Of(NoticeKind kind, ExpectedBackupJob job, BackupEntryStatus status) =>
        new(job.CompanyName, job.City, job.AgentIdResponsible, job.DatabaseName, StatusOf(kind, status));

    /// <summary>A notice being built: its job's fields (or its own company), and the status it carries.</summary>
    public static RoutedNotice Of(ExpectedBackupJob? job, string? company, string status) =>
        new(job?.CompanyName ?? company, job?.City, job?.AgentIdResponsible, job?.DatabaseName, status);

    /// <summary>An alert routes by its entry status; other kinds by their own name (`recovery`).</summary>
    public static string StatusOf(NoticeKind kind, BackupEntryStatus status) =>
        kind == NoticeKind.Alert ? status.ToWire() : kind.ToString().ToLowerInvariant();
}

/// <summary>
/// SPEC §6.2: a notice goes to `admins` and to every destination with at least one route whose matchers all
/// hold, once per destination however many routes match. Matchers are exact and case-sensitive, `*` matching
/// any run of characters; an absent matcher holds for everything.
/// </summary>
public static class NoticeRouting
{
    /// <summary>The statuses a route may name (SPEC §6.2: every failure status, `corrupt` included, plus the other kinds).</summary>
    public static readonly IReadOnlyList<string> RoutableStatuses =
        [.. StatusNames.AllEntryStatuses.Where(s => s != BackupEntryStatus.Success).Select(s => s.ToWire()).Append("corrupt").Distinct(), DrillFailed, "recovery", "warning", "report"];

    /// <summary>The status of a failed restore drill's alert (SPEC §13).</summary>
    public const string DrillFailed = "drill_failed";

    /// <summary>The destinations of a notice, in order of first matching route, each once; `admins` first when it exists.</summary>
    public static IReadOnlyList<string> DestinationsFor(RoutedNotice notice, IEnumerable<AlertRoute> routes, bool adminsExists)
    {
        var chosen = new List<string>();
        if (adminsExists) chosen.Add(Destination.Admins);
        foreach (var route in routes)
            if (Matches(route, notice) && !chosen.Contains(route.Destination, StringComparer.Ordinal))
                chosen.Add(route.Destination);
        return chosen;
    }

    public static bool Matches(AlertRoute route, RoutedNotice notice) =>
        Glob(route.Company, notice.Company) && Glob(route.City, notice.City) && Glob(route.Agent, notice.Agent)
        && Glob(route.Database, notice.Database) && StatusMatches(route.Statuses, notice.Status);

    private static bool StatusMatches(string? statuses, string status) =>
        string.IsNullOrEmpty(statuses) || ParseStatuses(statuses).Contains(status, StringComparer.Ordinal);

    public static IReadOnlyList<string> ParseStatuses(string? statuses) =>
        statuses?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>Exact, case-sensitive; `*` matches any run of characters (also none). Null or empty: matches all; a null value matches no pattern.</summary>
    public static bool Glob(string? pattern, string? value)
    {
        if (string.IsNullOrEmpty(pattern)) return true;
        if (value is null) return false;
        int p = 0, v = 0, star = -1, resume = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = v;
            }
            else if (p < pattern.Length && pattern[p] == value[v])
            {
                p++;
                v++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++resume;
            }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
