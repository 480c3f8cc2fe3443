namespace BackupMonitor.Notifications;

/// <summary>What one delivery pass did: attempts that the server accepted, and attempts that failed.</summary>
public sealed record DeliveryResult(int Sent, int Failed)
{
    public static readonly DeliveryResult None = new(0, 0);
}

/// <summary>Sends the outbox's due notices. Never throws for a notification problem: a notice never fails a scan.</summary>
public interface INoticeDelivery
{
    Task<DeliveryResult> DeliverPendingAsync(CancellationToken cancellationToken);
}

/// <summary>Delivers nothing: used until e-mail delivery is configured in.</summary>
public sealed class NoNoticeDelivery : INoticeDelivery
{
    public Task<DeliveryResult> DeliverPendingAsync(CancellationToken cancellationToken) => Task.FromResult(DeliveryResult.None);
}
