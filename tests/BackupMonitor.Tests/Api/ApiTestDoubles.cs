using BackupMonitor.Notifications;

namespace BackupMonitor.Tests.Api;

/// <summary>Holds every delivery pass (and so the scan that runs it) open until released: a seam to keep a scan running.</summary>
internal sealed class HeldNoticeDelivery : INoticeDelivery
{
    private int calls;

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public int Calls => Volatile.Read(ref calls);
    public bool SawCancellation { get; private set; }

    public async Task<DeliveryResult> DeliverPendingAsync(CancellationToken cancellationToken, DeliveryPass pass = DeliveryPass.Due)
    {
        Interlocked.Increment(ref calls);
        Entered.TrySetResult();
        await Release.Task;
        SawCancellation |= cancellationToken.IsCancellationRequested;
        return DeliveryResult.None;
    }
}

/// <summary>Counts delivery passes.</summary>
internal sealed class CountingNoticeDelivery : INoticeDelivery
{
    private int calls;

    public int Calls => Volatile.Read(ref calls);

    public Task<DeliveryResult> DeliverPendingAsync(CancellationToken cancellationToken, DeliveryPass pass = DeliveryPass.Due)
    {
        Interlocked.Increment(ref calls);
        return Task.FromResult(DeliveryResult.None);
    }
}
