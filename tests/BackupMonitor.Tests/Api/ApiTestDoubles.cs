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

/// <summary>Counts delivery passes and keeps which kind each was (a scan's <see cref="DeliveryPass.EveryPending"/>, the loop's <see cref="DeliveryPass.Due"/>).</summary>
internal sealed class CountingNoticeDelivery : INoticeDelivery
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<DeliveryPass> passes = new();

    public int Calls => passes.Count;
    public IReadOnlyList<DeliveryPass> Passes => passes.ToArray();

    public Task<DeliveryResult> DeliverPendingAsync(CancellationToken cancellationToken, DeliveryPass pass = DeliveryPass.Due)
    {
        passes.Enqueue(pass);
        return Task.FromResult(DeliveryResult.None);
    }
}
