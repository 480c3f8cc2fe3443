using BackupMonitor.Telemetry;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Scanning;

/// <summary>
/// How `serve` starts scans (the schedule and POST /api/scans) through <see cref="ScanService"/>, recording each in
/// the metrics. A scan once started is never cancelled, not even by shutdown (the host waits for it): it runs to the
/// end with CancellationToken.None, so no file is left half-promoted.
/// </summary>
public sealed class MeteredScans(ScanService scans, ServeMetrics metrics, ILogger<MeteredScans> logger)
{
    /// <summary>Waits for a scan already running (there is no point in skipping a scheduled one).</summary>
    public async Task<ScanSummary> RunScheduledAsync()
    {
        try
        {
            return Observe("scheduled", await scans.RunAsync(CancellationToken.None));
        }
        catch
        {
            metrics.ObserveFailedScan();
            throw;
        }
    }

    /// <summary>Null at once when a scan is running: the API answers 409 rather than keep a request open for minutes.</summary>
    public async Task<ScanSummary?> TryRunRequestedAsync()
    {
        try
        {
            var summary = await scans.TryRunAsync(CancellationToken.None);
            return summary is null ? null : Observe("requested", summary);
        }
        catch
        {
            metrics.ObserveFailedScan();
            throw;
        }
    }

    private ScanSummary Observe(string trigger, ScanSummary summary)
    {
        metrics.ObserveScan(summary);
        logger.LogInformation(
            "Scan ({Trigger}) finished: {Read} reports read, {Invalid} invalid, {Entries} entries, {Bytes} bytes verified, {Sent} notifications sent, {NotSent} failed, {DurationMs} ms",
            trigger, summary.ReportsRead, summary.ReportsInvalid, summary.EntriesCreated, summary.BytesVerified,
            summary.NotificationsSent, summary.NotificationsFailed, summary.DurationMs);
        return summary;
    }
}
