namespace BackupMonitor.Notifications;

/// <summary>What one delivery pass did: attempts that the server accepted, and attempts that failed.</summary>
public sealed record DeliveryResult(int Sent, int Failed)
{
    public static readonly DeliveryResult None = new(0, 0);
}

/// <summary>Which pending notices a delivery pass tries.</summary>
public enum DeliveryPass
{
    /// <summary>Those whose backoff has elapsed (NextAttemptAtUtc ≤ now): the `serve` loop.</summary>
    Due,

    /// <summary>Every pending notice once, whatever its backoff: a `scan`.</summary>
    EveryPending,
}

/// <summary>Sends the outbox's pending notices. Never throws for a notification problem: a notice never fails a scan.</summary>
public interface INoticeDelivery
{
    /// <summary>One attempt per chosen notice; <see cref="DeliveryPass.Due"/> by default.</summary>
    Task<DeliveryResult> DeliverPendingAsync(CancellationToken cancellationToken, DeliveryPass pass = DeliveryPass.Due);
}

