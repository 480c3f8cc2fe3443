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
}
