namespace BackupMonitor.Domain;

public enum NoticeKind { Alert, Recovery, Warning }

public enum NoticeState { Pending, Sent, Failed, Skipped }

/// <summary>An e-mail waiting in (or gone from) the durable outbox; written in the same transaction as its entry.</summary>
public sealed class Notice
{
    public int Id { get; set; }
    public int BackupEntryId { get; set; }
    public int ExpectedJobId { get; set; }
    public NoticeKind Kind { get; set; }
    public NoticeState State { get; set; } = NoticeState.Pending;
    public required string Subject { get; set; }
    public required string BodyText { get; set; }
    public string? BodyHtml { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? NextAttemptAtUtc { get; set; }
    public DateTime? LastAttemptAtUtc { get; set; }
    public DateTime? SentAtUtc { get; set; }
    /// <summary>Lease for multi-process delivery: who holds this notice, until when.</summary>
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedUntilUtc { get; set; }
}
