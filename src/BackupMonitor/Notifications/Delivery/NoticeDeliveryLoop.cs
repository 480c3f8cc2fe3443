using BackupMonitor.Scanning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Notifications;

/// <summary>
/// Between scans, asks the outbox to send its due notices every 30 s. The backoff itself (30 s doubling, capped
/// at SCAN_INTERVAL_SECONDS) is the outbox's NextAttemptAtUtc: a pass only sends what is due.
/// </summary>
public sealed class NoticeDeliveryLoop(IServiceScopeFactory scopes, ScanService scans, TimeProvider time, ILogger<NoticeDeliveryLoop> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (scans.IsRunning) continue; // the scan delivers when it ends
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    // Not cancelled by shutdown: a send under way finishes and is marked, so it is never sent twice.
                    var result = await scope.ServiceProvider.GetRequiredService<INoticeDelivery>().DeliverPendingAsync(CancellationToken.None);
                    if (result.Sent + result.Failed > 0)
                        logger.LogInformation("Notification delivery: {Sent} sent, {Failed} failed", result.Sent, result.Failed);
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Notification delivery pass failed; the next pass runs in {IntervalSeconds} s", Interval.TotalSeconds);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
