using BackupMonitor.Decisions;

namespace BackupMonitor.Domain;

/// <summary>
/// An API and dashboard key made by `keys add` (SPEC §11). Only the SHA-256 of the key is kept: the key itself is
/// printed once and never again. No companies: all of them.
/// </summary>
public sealed class AccessKey
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public Role Role { get; set; }
    /// <summary>The companies the key is limited to, one per line; null for all.</summary>
    public string? Companies { get; set; }
    /// <summary>Lower-case hex SHA-256 of the key.</summary>
    public required string Fingerprint { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? LastUsedAtUtc { get; set; }
    public DateTime? RevokedAtUtc { get; set; }

    public IReadOnlyList<string> CompanyList =>
        Companies is null ? [] : Companies.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public static string? JoinCompanies(IEnumerable<string> companies) =>
        companies.Any() ? string.Join('\n', companies) : null;
}

/// <summary>One change made through the API, the dashboard or the command line (SPEC §11), secrets masked.</summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTime AtUtc { get; set; }
    /// <summary>`key:&lt;name&gt;`, `settings:API_KEYS`, `cli`, `serve` or `agent:&lt;id&gt;`.</summary>
    public required string Actor { get; set; }
    /// <summary>What was done, `&lt;thing&gt;.&lt;verb&gt;`: `job.add`, `maintenance.remove`, `key.revoke`…</summary>
    public required string Action { get; set; }
    /// <summary>What it was done to, `&lt;thing&gt;:&lt;id or name&gt;`: `job:42`, `destination:security`.</summary>
    public required string Target { get; set; }
    /// <summary>The changed fields as a JSON object, secrets and URL tokens masked; null when nothing but the action says it.</summary>
    public string? Changes { get; set; }
}
