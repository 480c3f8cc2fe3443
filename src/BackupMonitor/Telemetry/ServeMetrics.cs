using BackupMonitor.Domain;
using BackupMonitor.Drills;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace BackupMonitor.Telemetry;

/// <summary>
/// `GET /metrics` (prometheus-net). Counts of jobs, entries, deliveries and recorded scans are read from the database
/// at each scrape (from the summary the writes keep current, never by counting the history), so they include scans
/// run by the CLI and survive restarts; the scan-duration histogram and
/// failed-scan counter are observed in this process.
/// </summary>
public sealed class ServeMetrics
{
    private readonly IServiceScopeFactory scopes;
    private readonly ILogger<ServeMetrics> logger;
    private readonly Gauge jobs;
    private readonly Gauge entries;
    private readonly Gauge deliveries;
    private readonly Gauge contentChecks;
    private readonly Gauge lastScan;
    private readonly Counter scans;
    private readonly Counter bytesVerified;
    private readonly Counter failedScans;
    private readonly Histogram duration;
    private readonly Gauge drills;
    private readonly Histogram drillDuration;

    public ServeMetrics(IServiceScopeFactory scopes, ILogger<ServeMetrics> logger, DrillService drillService)
    {
        this.scopes = scopes;
        this.logger = logger;
        var metrics = Metrics.WithCustomRegistry(Registry);
        jobs = metrics.CreateGauge("backupmonitor_jobs", "Active expected backup jobs by current status.", "status");
        entries = metrics.CreateGauge("backupmonitor_entries", "Backup entries (history) by status.", "status");
        deliveries = metrics.CreateGauge("backupmonitor_deliveries", "Deliveries in the outbox by destination and state.", "destination", "state");
        contentChecks = metrics.CreateGauge("backupmonitor_content_checks", "Backup entries by content check result (SPEC 5.1; entries whose file was read).", "result");
        lastScan = metrics.CreateGauge("backupmonitor_last_scan_timestamp_seconds", "When the last recorded scan finished (Unix seconds).");
        scans = metrics.CreateCounter("backupmonitor_scans_total", "Scans recorded in the database.");
        bytesVerified = metrics.CreateCounter("backupmonitor_bytes_verified_total", "Bytes of staged backups hashed by recorded scans.");
        failedScans = metrics.CreateCounter("backupmonitor_scan_failures_total", "Scans started by this process that ended with an error.");
        duration = metrics.CreateHistogram("backupmonitor_scan_duration_seconds", "Duration of the scans run by this process.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.05, 2, 14) });
        drills = metrics.CreateGauge("backupmonitor_drills", "Restore drills (SPEC 13) by status.", "status");
        drillDuration = metrics.CreateHistogram("backupmonitor_drill_restore_duration_seconds",
            "Duration of the passed database restore drills run by this process (restore, counts and drop).",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.5, 2, 14) });
        drillService.Finished += drill =>
        {
            if (drill is { Status: DrillStatus.Passed, Tables: not null, DurationMs: { } ms }) drillDuration.Observe(ms / 1000.0);
        };
        Registry.AddBeforeCollectCallback(RefreshAsync);
    }

    /// <summary>Per host, not prometheus-net's static default registry: several hosts (tests) never mix their metrics.</summary>
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public void ObserveScan(ScanSummary summary) => duration.Observe(summary.DurationMs / 1000.0);

    public void ObserveFailedScan() => failedScans.Inc();

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
            // Kept current by the writes themselves (Persistence/HistoryCountsSchema): one small read whatever the history.
            var counts = await db.ReadAsync(cancellationToken);
            foreach (var status in StatusNames.AllJobStatuses) jobs.WithLabels(status.ToWire()).Set(counts.Get("jobs", status.ToWire()));
            foreach (var status in StatusNames.AllEntryStatuses) entries.WithLabels(status.ToWire()).Set(counts.Get("entries", status.ToWire()));
            // Every destination has its series, also before its first delivery (an alert rule can then watch it).
            var names = (await scope.ServiceProvider.GetRequiredService<DestinationCatalog>().DestinationsAsync(cancellationToken)).Keys;
            foreach (var destination in counts.Where(c => c.Family == "deliveries").Select(c => c.Label).Concat(names).Distinct(StringComparer.Ordinal))
                foreach (var state in Enum.GetValues<DeliveryState>())
                    deliveries.WithLabels(destination, OutboxQuery.Wire(state)).Set(counts.Get("deliveries", destination, OutboxQuery.Wire(state)));
            foreach (var result in Enum.GetValues<ContentCheck>()) contentChecks.WithLabels(result.ToWire()).Set(counts.Get("content_checks", result.ToWire()));
            var drillCounts = await db.Drills.GroupBy(d => d.Status)
                .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
            foreach (var status in DrillStatusNames.All) drills.WithLabels(status.ToWire()).Set(drillCounts.GetValueOrDefault(status));
            scans.IncTo(counts.Get("scans"));
            bytesVerified.IncTo(counts.Get("bytes_verified"));
            if (await db.ScanRuns.MaxAsync(r => (DateTime?)r.FinishedAtUtc, cancellationToken) is { } last)
                lastScan.Set(new DateTimeOffset(last, TimeSpan.Zero).ToUnixTimeMilliseconds() / 1000.0);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A scrape still answers (with the last known values); /health reports the database itself.
            logger.LogWarning("Metrics could not be read from the database: {Error}", e.GetBaseException().Message);
        }
    }
}
