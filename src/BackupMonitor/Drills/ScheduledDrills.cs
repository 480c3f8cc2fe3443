using BackupMonitor.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Drills;

/// <summary>
/// `serve`'s drills: every SCAN_INTERVAL_SECONDS (the first pass one interval after start, once a scan has run), the
/// jobs due for a drill, DRILL_CONCURRENCY at a time across processes. A failed pass is logged; the next one still runs.
/// </summary>
public sealed class ScheduledDrills(DrillService drills, ScanOptions scans, DrillOptions options, TimeProvider time, ILogger<ScheduledDrills> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(scans.IntervalSeconds), time);
        logger.LogInformation("Drilling each job's latest validated backup every {Days} days ({Concurrency} at a time{Server})",
            options.IntervalDays, options.Concurrency, options.PostgresConnectionString is null ? "; PostgreSQL dumps skipped: DRILL_POSTGRES_CONNECTION_STRING is not set" : "");
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var done = await drills.RunDueAsync(stoppingToken);
                    if (done > 0) logger.LogInformation("Drill pass: {Count} drills", done);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Scheduled drill pass failed; the next one runs in {IntervalSeconds} s", scans.IntervalSeconds);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the tool of a drill in progress is killed; the next start closes it as interrupted.
        }
    }
}
