using BackupMonitor.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Scanning;

/// <summary>A scan at start, then one every SCAN_INTERVAL_SECONDS; a failed scan is logged and the next one still runs.</summary>
public sealed class ScheduledScans(MeteredScans scans, ScanOptions options, TimeProvider time, ILogger<ScheduledScans> logger) : BackgroundService
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
            }
            while (!stoppingToken.IsCancellationRequested && await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the scan in progress (if any) has already finished above.
        }
    }
}
