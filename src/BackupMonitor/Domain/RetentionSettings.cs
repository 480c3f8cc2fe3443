namespace BackupMonitor.Domain;

/// <summary>A company's retention policy (SPEC §14, `retention set --company`): applies to its jobs that have none of their own.</summary>
public sealed class CompanyRetention
{
    public required string CompanyName { get; set; }
    public required string Policy { get; set; }
    public DateTime UpdatedAtUtc { get; set; }
}

/// <summary>
/// The daily retention run of `serve` (one row, <see cref="DailyName"/>): the UTC day it last completed, and the
/// process running it now (a claim), so that several `serve` processes apply once a day, one at a time.
/// </summary>
public sealed class RetentionRun
{
    public const string DailyName = "daily";

    public required string Name { get; set; }
    public DateTime? LastCompletedDayUtc { get; set; }
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedUntilUtc { get; set; }
}
