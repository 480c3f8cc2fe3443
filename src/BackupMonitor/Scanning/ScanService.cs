using BackupMonitor.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Scanning;

/// <summary>
/// Runs a scan and then tries every pending notice once (whatever its backoff), one scan at a time in this process
/// (the CLI, the background loop and the API all go through here).
/// </summary>
public sealed class ScanService(IServiceScopeFactory scopes) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public bool IsRunning => gate.CurrentCount == 0;

    /// <summary>Waits for a scan already running in this process, then runs one.</summary>
    public async Task<ScanSummary> RunAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await RunLockedAsync(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Runs a scan unless one is already running in this process (then returns null at once).</summary>
    public async Task<ScanSummary?> TryRunAsync(CancellationToken cancellationToken)
    {
        if (!await gate.WaitAsync(0, cancellationToken)) return null;
        try
        {
            return await RunLockedAsync(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ScanSummary> RunLockedAsync(CancellationToken cancellationToken)
    {
        ScanSummary summary;
        await using (var scope = scopes.CreateAsyncScope())
        {
            summary = await scope.ServiceProvider.GetRequiredService<Scanner>().RunAsync(cancellationToken);
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<MaintenanceFollowUp>().RunSafelyAsync(cancellationToken);
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            var delivered = await scope.ServiceProvider.GetRequiredService<INoticeDelivery>().DeliverPendingAsync(cancellationToken, DeliveryPass.EveryPending);
            summary.NotificationsSent += delivered.Sent;
            summary.NotificationsFailed += delivered.Failed;
        }
        return summary;
    }

    public void Dispose() => gate.Dispose();
}
