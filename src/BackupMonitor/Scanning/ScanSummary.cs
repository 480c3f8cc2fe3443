using BackupMonitor.Domain;

namespace BackupMonitor.Scanning;

/// <summary>The counts of one scan (SPEC §8 `scan --format json`).</summary>
public sealed class ScanSummary
{
    public int ReportsRead { get; set; }
    public int ReportsInvalid { get; set; }
    public int ReportsDeferred { get; set; }
    public int EntriesCreated => ByStatus.Values.Sum();
    public Dictionary<BackupEntryStatus, int> ByStatus { get; } = StatusNames.AllEntryStatuses.ToDictionary(s => s, _ => 0);
    public int NotificationsSent { get; set; }
    public int NotificationsFailed { get; set; }
    public long BytesVerified { get; set; }
    public long DurationMs { get; set; }
    public int UnmatchedLines { get; set; }
    /// <summary>Agents another process was scanning at the time (their work is theirs).</summary>
    public int AgentsSkipped { get; set; }

    public void Count(BackupEntryStatus status) => ByStatus[status]++;
}
