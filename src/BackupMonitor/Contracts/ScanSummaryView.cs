using BackupMonitor.Domain;
using BackupMonitor.Scanning;

namespace BackupMonitor.Contracts;

/// <summary>What one scan did (`scan --format json`, `POST /api/scans`).</summary>
public sealed record ScanSummaryView(
    int ReportsRead, int ReportsInvalid, int EntriesCreated, IReadOnlyDictionary<string, int> ByStatus,
    int NotificationsSent, int NotificationsFailed, long BytesVerified, long DurationMs)
{
    public static ScanSummaryView Of(ScanSummary s) => new(s.ReportsRead, s.ReportsInvalid, s.EntriesCreated,
        StatusNames.AllEntryStatuses.ToDictionary(st => st.ToWire(), st => s.ByStatus[st]),
        s.NotificationsSent, s.NotificationsFailed, s.BytesVerified, s.DurationMs);

    /// <summary>A run counted over a limited key's jobs (<see cref="Dashboard.ScanTiles"/>): entries and reports only, no deliveries or bytes of others.</summary>
    public static ScanSummaryView OfScoped(ScanRun run) => new(run.ReportsRead, run.ReportsInvalid, run.EntriesCreated,
        new Dictionary<string, int>
        {
            [BackupEntryStatus.Success.ToWire()] = run.Success, [BackupEntryStatus.Failed.ToWire()] = run.Failed,
            [BackupEntryStatus.Missing.ToWire()] = run.Missing, [BackupEntryStatus.HashMismatch.ToWire()] = run.HashMismatch,
            [BackupEntryStatus.TransferIntegrityFailed.ToWire()] = run.TransferIntegrityFailed, [BackupEntryStatus.Corrupt.ToWire()] = run.Corrupt,
        }, 0, 0, 0, run.DurationMs);
}
