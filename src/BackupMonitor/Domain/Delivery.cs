namespace BackupMonitor.Domain;

/// <summary>SPEC §6.4: pending (waiting, or to be retried), sent, failed (gave up), skipped (not configured), suppressed (§6.3).</summary>
public enum DeliveryState { Pending, Sent, Failed, Skipped, Suppressed }

/// <summary>
/// One (notice, destination) pair of the outbox (healthchecks' Notification): its own state, attempts, backoff,
/// claim and last error, so one destination failing never touches another.
/// </summary>
public sealed class Delivery
{
    public int Id { get; set; }
    public int NoticeId { get; set; }
    /// <summary>The destination's name (`admins`, or one added with `destinations add`).</summary>
    public required string Destination { get; set; }
    public DeliveryState State { get; set; } = DeliveryState.Pending;
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? NextAttemptAtUtc { get; set; }
    public DateTime? LastAttemptAtUtc { get; set; }
    public DateTime? SentAtUtc { get; set; }
    /// <summary>Lease for multi-process delivery: who holds this delivery, until when.</summary>
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedUntilUtc { get; set; }
    /// <summary>The digest message that carried it (§6.3), when it went in one.</summary>
    public int? DigestId { get; set; }
    /// <summary>The maintenance window that suppressed it, so its end can raise one follow-up alert (§6.3).</summary>
    public int? SuppressedByWindowId { get; set; }
}
