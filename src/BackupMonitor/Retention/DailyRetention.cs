using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Retention;

/// <summary>
/// `serve` applies retention once a day (SPEC §14): after its first scan of a UTC day, unless the day's run is done,
/// and by one process at a time (a claim on the `retention_runs` row). A run that fails is logged and tried again after
/// the next scan.
/// </summary>
public sealed class DailyRetention(IServiceScopeFactory scopes, TimeProvider time, ILogger<DailyRetention> logger) : IAfterScheduledScan
{
    public async Task AfterScanAsync(CancellationToken cancellationToken)
    {
        var today = time.GetUtcNow().UtcDateTime.Date;
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<RetentionStore>();
        if (!await store.ClaimDailyRunAsync(today, cancellationToken)) return;
        try
        {
            logger.LogInformation("Daily retention run for {Day:yyyy-MM-dd}", today);
            await scope.ServiceProvider.GetRequiredService<RetentionApplier>().ApplyAsync(null, null, cancellationToken);
            await store.CompleteDailyRunAsync(today, CancellationToken.None);
        }
        catch
        {
            await store.ReleaseDailyRunAsync();
            throw;
        }
    }
}
