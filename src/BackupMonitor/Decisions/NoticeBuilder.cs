using BackupMonitor.Domain;

namespace BackupMonitor.Decisions;

/// <summary>
/// What routing and quieting need, read before the commit (<see cref="Persistence.NoticeStore.FactsAsync"/>): the
/// destinations by name (`admins` included when ADMIN_EMAIL_RECIPIENT is set), the routes in id order, whether e-mail can
/// be sent, the maintenance windows, the acknowledged jobs and (ALERT_MODE=on_change) each job's latest alert.
/// </summary>
public sealed record NoticeFacts(
    IReadOnlyDictionary<string, Destination> Destinations,
    IReadOnlyList<AlertRoute> Routes,
    bool EmailEnabled,
    IReadOnlyList<MaintenanceWindow> Windows,
    IReadOnlyDictionary<int, DateTime> Acknowledged,
    IReadOnlyDictionary<int, DateTime> LastAlerts)
{
    public DateTime? AcknowledgedAt(int? jobId) => jobId is { } id && Acknowledged.TryGetValue(id, out var at) ? at : null;
    public DateTime? LastAlertAt(int jobId) => LastAlerts.TryGetValue(jobId, out var at) ? at : null;
}

/// <summary>
/// A notice to raise, before it is built: its kind, the status routes match on, and where it comes from. Use the
/// factories; a source other than the scan always gives a <see cref="DedupeKey"/> (its idempotency key).
/// </summary>
public sealed record NoticeDraft(NoticeKind Kind, string Status)
{
    public ExpectedBackupJob? Job { get; init; }
    public BackupEntry? Entry { get; init; }
    /// <summary>The job's status as the notice saw it (default: the job's current status; Unknown without a job).</summary>
    public JobStatus? JobStatus { get; init; }
    public JobStatus? PreviousJobStatus { get; init; }
    public WarningKind? Warning { get; init; }
    public int? DrillId { get; init; }
    public string? Company { get; init; }
    public string? Period { get; init; }
    public string? Detail { get; init; }
    public string? Payload { get; init; }
    public string? DedupeKey { get; init; }

    /// <summary>A scan's notice for an entry just applied to its job (alert, recovery or size-drop warning).</summary>
    public static NoticeDraft ForEntry(NoticeKind kind, ExpectedBackupJob job, BackupEntry entry, JobStatus jobStatus, JobStatus previousJobStatus) =>
        new(kind, RoutedNotice.StatusOf(kind, entry.Status))
        {
            Job = job, Entry = entry, JobStatus = jobStatus, PreviousJobStatus = previousJobStatus,
            Warning = kind == NoticeKind.Warning ? WarningKind.SizeDrop : null,
        };

    /// <summary>A failed restore drill (SPEC §13): an `alert` of status `drill_failed`.</summary>
    public static NoticeDraft DrillFailed(ExpectedBackupJob job, int drillId, string detail, string dedupeKey) =>
        new(NoticeKind.Alert, NoticeRouting.DrillFailed) { Job = job, DrillId = drillId, Detail = detail, DedupeKey = dedupeKey };

    /// <summary>The job's next passed drill after a failed one (SPEC §13): a `recovery`.</summary>
    public static NoticeDraft DrillRecovered(ExpectedBackupJob job, int drillId, string? detail, string dedupeKey) =>
        new(NoticeKind.Recovery, "recovery") { Job = job, DrillId = drillId, Detail = detail, DedupeKey = dedupeKey };

    /// <summary>A warning of a source other than the scan: a drill's row drop (with its drill id), a retention run refused.</summary>
    public static NoticeDraft Warn(WarningKind warning, ExpectedBackupJob job, string detail, string dedupeKey, int? drillId = null) =>
        new(NoticeKind.Warning, "warning") { Job = job, Warning = warning, Detail = detail, DedupeKey = dedupeKey, DrillId = drillId };

    /// <summary>A company's monthly compliance report (SPEC §12): no job, no entry; <paramref name="payloadJson"/> feeds its templates.</summary>
    public static NoticeDraft Report(string company, string period, string? payloadJson, string dedupeKey) =>
        new(NoticeKind.Report, "report") { Company = company, Period = period, Payload = payloadJson, DedupeKey = dedupeKey };
}

/// <summary>
/// THE notice builder (SPEC §6): the scan, the maintenance follow-up and every other source (drills, retention, reports)
/// make their notices here, so they are routed, quieted and recorded alike. Pure: facts in, a <see cref="Notice"/> with
/// one delivery per destination out — pending, `suppressed` (with why), or `skipped` (e-mail not configured; a report
/// to an Alertmanager). A notice
/// no destination takes still gets one `skipped` delivery to `admins` saying why, so the outbox shows it went nowhere.
/// </summary>
public static class NoticeBuilder
{
    public const string NoDestination = "no destination: ADMIN_EMAIL_RECIPIENT is not set and no route matches";
    public const string EmailNotConfigured = "e-mail is not configured (EMAIL_HOST or EMAIL_PICKUP_DIRECTORY, EMAIL_SENDER)";
    /// <summary>SPEC §12: Alertmanager takes alerts that fire and resolve; a monthly report is neither.</summary>
    public const string ReportNotForAlertmanager = "alertmanager destinations take alerts, not monthly reports";

    /// <summary>
    /// A notice of a source other than the scan, quieted as the policy says (a window covering its job, an
    /// acknowledgement of its failing job; never a recovery or a report). The scan decides quieting itself, with
    /// ALERT_MODE (<see cref="NoticePlanner"/>).
    /// </summary>
    public static Notice Raise(NoticeDraft draft, NoticeFacts facts, DateTime nowUtc)
    {
        var covering = draft.Job is { } job ? MaintenanceCoverage.Covering(facts.Windows, job, nowUtc) : [];
        var jobStatus = draft.JobStatus ?? draft.Job?.CurrentStatus ?? Domain.JobStatus.Unknown;
        var (why, windowId) = AlertPolicy.Quiet(draft.Kind, jobStatus, facts.AcknowledgedAt(draft.Job?.Id), covering);
        return Build(draft, facts, nowUtc, why, windowId);
    }

    /// <summary>The notice and its deliveries; <paramref name="suppressedBecause"/>: every delivery recorded as suppressed.</summary>
    public static Notice Build(NoticeDraft draft, NoticeFacts facts, DateTime nowUtc, string? suppressedBecause = null, int? suppressedByWindowId = null)
    {
        var notice = new Notice
        {
            BackupEntryId = draft.Entry is { Id: > 0 } entry ? entry.Id : null,
            ExpectedJobId = draft.Job?.Id,
            Kind = draft.Kind,
            Status = draft.Status,
            Warning = draft.Kind == NoticeKind.Warning ? draft.Warning ?? WarningKind.SizeDrop : null,
            DrillId = draft.DrillId,
            CompanyName = draft.Company ?? draft.Job?.CompanyName,
            Period = draft.Period,
            Detail = draft.Detail,
            Payload = draft.Payload,
            DedupeKey = draft.DedupeKey,
            JobStatus = draft.JobStatus ?? draft.Job?.CurrentStatus ?? JobStatus.Unknown,
            PreviousJobStatus = draft.PreviousJobStatus ?? draft.JobStatus ?? draft.Job?.CurrentStatus ?? JobStatus.Unknown,
            CreatedAtUtc = nowUtc,
        };
        var routed = RoutedNotice.Of(draft.Job, notice.CompanyName, draft.Status);
        foreach (var name in NoticeRouting.DestinationsFor(routed, facts.Routes, facts.Destinations.ContainsKey(Destination.Admins)))
            notice.Deliveries.Add(suppressedBecause is not null
                ? new Delivery { Destination = name, State = DeliveryState.Suppressed, CreatedAtUtc = nowUtc, LastError = suppressedBecause, SuppressedByWindowId = suppressedByWindowId }
                : draft.Kind == NoticeKind.Report && facts.Destinations.GetValueOrDefault(name)?.Kind == DestinationKind.Alertmanager
                    ? Skipped(name, nowUtc, ReportNotForAlertmanager)
                : facts.Destinations.GetValueOrDefault(name)?.Kind == DestinationKind.Email && !facts.EmailEnabled
                    ? Skipped(name, nowUtc, EmailNotConfigured)
                    : new Delivery { Destination = name, State = DeliveryState.Pending, CreatedAtUtc = nowUtc, NextAttemptAtUtc = nowUtc });
        if (notice.Deliveries.Count == 0) notice.Deliveries.Add(Skipped(Destination.Admins, nowUtc, NoDestination));
        return notice;
    }

    /// <summary>Whether any of these notices has a skipped delivery (no e-mail settings, no destination): the caller warns once per run.</summary>
    public static bool AnySkipped(IEnumerable<Notice> notices) =>
        notices.Any(n => n.Deliveries.Any(d => d.State == DeliveryState.Skipped));

    private static Delivery Skipped(string name, DateTime nowUtc, string why) =>
        new() { Destination = name, State = DeliveryState.Skipped, CreatedAtUtc = nowUtc, LastError = why };
}
