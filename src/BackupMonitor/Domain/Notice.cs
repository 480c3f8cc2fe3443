namespace BackupMonitor.Domain;

/// <summary>What happened: an alert (failure entry), a recovery (first success after a failure) or a warning (a size drop). New kinds extend this list.</summary>
public enum NoticeKind { Alert, Recovery, Warning }

/// <summary>
/// An event of the outbox (healthchecks' Flip): kind, job, entry, and the job statuses it saw. Written in the same
/// transaction as its entry from plain values that cannot fail to serialize; messages are rendered at delivery.
/// </summary>
public sealed class Notice
{
    public int Id { get; set; }
    public int BackupEntryId { get; set; }
    public int ExpectedJobId { get; set; }
    public NoticeKind Kind { get; set; }
    /// <summary>The job's status once this entry was applied (what "Statut global du Job" says).</summary>
    public JobStatus JobStatus { get; set; }
    /// <summary>The job's status before this entry (a recovery says what it recovered from).</summary>
    public JobStatus PreviousJobStatus { get; set; }
    public DateTime CreatedAtUtc { get; set; }

    /// <summary>One per destination the notice was routed to.</summary>
    public List<Delivery> Deliveries { get; set; } = [];
}
