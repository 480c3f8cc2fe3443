using BackupMonitor.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Scanning;

/// <summary>A scan at start, then one every SCAN_INTERVAL_SECONDS; a failed scan is logged and the next one still runs.</summary>
public sealed class ScheduledScans(MeteredScans scans, ScanOptions options, TimeProvider time, IEnumerable<IAfterScheduledScan> afterScans, ILogger<ScheduledScans> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.IntervalSeconds);
        using var timer = new PeriodicTimer(interval, time);
        logger.LogInformation("Scanning every {IntervalSeconds} s", options.IntervalSeconds);
        try
        {
            do
            {
                try
                {
                    await scans.RunScheduledAsync();
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Scheduled scan failed; the next one runs in {IntervalSeconds} s", options.IntervalSeconds);
                }
                foreach (var after in afterScans)
                {
                    try
                    {
                        await after.AfterScanAsync(stoppingToken);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogError(e, "{Work} after the scheduled scan failed; tried again after the next scan", after.GetType().Name);
                    }
                }
            }
            while (!stoppingToken.IsCancellationRequested && await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the scan in progress (if any) has already finished above.
        }
    }
}
