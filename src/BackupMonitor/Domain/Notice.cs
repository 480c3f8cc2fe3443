namespace BackupMonitor.Domain;

/// <summary>What happened (SPEC §6.1): an alert (a failure entry, or a failed drill), a recovery, a warning, a monthly report.</summary>
public enum NoticeKind { Alert, Recovery, Warning, Report }

/// <summary>Which warning a `warning` notice is; each has its own subject (SPEC §6.1's table).</summary>
public enum WarningKind { SizeDrop, DrillRowDrop, RetentionRefused }

/// <summary>
/// An event of the outbox (healthchecks' Flip): kind, where it comes from (job, entry, drill, company and month), the
/// status routes match on, and the job statuses it saw. Written from plain values that cannot fail to serialize, in
/// the transaction of what it reports; messages are rendered at delivery. Built only by
/// <see cref="Decisions.NoticeBuilder"/> (README "Raising a notice").
/// </summary>
public sealed class Notice
{
    public int Id { get; set; }
    /// <summary>The entry it reports on; null for a notice of another source (a retention warning, a monthly report).</summary>
    public int? BackupEntryId { get; set; }
    /// <summary>The job it is about; null for a company's monthly report.</summary>
    public int? ExpectedJobId { get; set; }
    public NoticeKind Kind { get; set; }
    /// <summary>What routes' `status` matcher sees (SPEC §6.2): an entry status for an alert, `drill_failed`, `recovery`, `warning`, `report`.</summary>
    public string Status { get; set; } = "";
    /// <summary>Which warning, for a `warning` notice.</summary>
    public WarningKind? Warning { get; set; }
    /// <summary>The restore drill it reports on (§13), if any.</summary>
    public int? DrillId { get; set; }
    /// <summary>The company, for a notice without a job (a monthly report); else the job's.</summary>
    public string? CompanyName { get; set; }
    /// <summary>The month a report covers, `YYYY-MM`.</summary>
    public string? Period { get; set; }
    /// <summary>A line of explanation from the source (why retention refused, how many rows a drill lost…), shown by templates as `detail`.</summary>
    public string? Detail { get; set; }
    /// <summary>The source's own data as JSON, given to its templates as `payload` (a report's figures).</summary>
    public string? Payload { get; set; }
    /// <summary>
    /// Idempotency key of a notice that is not a scan's (unique): a retry or a second process raising the same thing finds
    /// it and makes no second one. Null for a scan's notices, which are unique per (entry, kind) instead.
    /// </summary>
    public string? DedupeKey { get; set; }
    /// <summary>The job's status once this entry was applied (what "Statut global du Job" says); Unknown without a job.</summary>
    public JobStatus JobStatus { get; set; }
    /// <summary>The job's status before this entry (a recovery says what it recovered from).</summary>
    public JobStatus PreviousJobStatus { get; set; }
    public DateTime CreatedAtUtc { get; set; }

    /// <summary>One per destination the notice was routed to.</summary>
    public List<Delivery> Deliveries { get; set; } = [];
}

/// <summary>A notice with its job and entry as read at delivery (either may be absent: a report has neither).</summary>
public sealed record NoticeContent(Notice Notice, ExpectedBackupJob? Job, BackupEntry? Entry);
