using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Drills;

/// <summary>
/// A finished drill's notices through the one notice builder (SPEC §13, §6): a failed drill is an alert of status
/// `drill_failed`, the next passed drill its recovery, a row drop a warning — routed, quieted and digested like any
/// notice, in the transaction that records the drill. A job whose last drill failed counts as failing: an
/// acknowledgement quiets its drill alerts, and with ALERT_MODE=on_change a failed drill after a failed drill only
/// reminds every ALERT_REMINDER_HOURS. A passed drill after a failed one ends the acknowledgement of a job whose
/// backups are not failing.
/// </summary>
public sealed class OutboxDrillNotifier(NoticeStore store, EmailSwitch email, AlertOptions alerts, ContentOptions content, TimeProvider time,
    ILogger<OutboxDrillNotifier> logger) : IDrillNotifier
{
    public async Task OnDrillFinishedAsync(BackupMonitorDbContext db, FinishedDrill finished, CancellationToken cancellationToken)
    {
        var (job, drill, raised) = (finished.Job, finished.Drill, finished.Notices);
        var now = time.UtcNow();
        var drafts = new List<NoticeDraft>();
        if (raised.Alert)
        {
            DateTime? lastDrillAlert = alerts.Mode == AlertMode.OnChange
                ? await db.Notices.AsNoTracking().Where(n => n.ExpectedJobId == job.Id && n.Status == NoticeRouting.DrillFailed).MaxAsync(n => (DateTime?)n.CreatedAtUtc, cancellationToken)
                : null;
            if (DrillSchedule.AlertRaised(alerts, finished.PreviousDecisive, lastDrillAlert, now))
                drafts.Add(NoticeDraft.DrillFailed(job, drill.Id, drill.Detail ?? "the drill failed", $"drill:{drill.Id}:alert"));
            else
                logger.LogInformation("Drill {Drill} of job {Job} failed again: no new alert (ALERT_MODE=on_change)", drill.Id, job.Id);
        }
        if (raised.Recovery)
        {
            drafts.Add(NoticeDraft.DrillRecovered(job, drill.Id, Restored(drill), $"drill:{drill.Id}:recovery"));
            if (job.AcknowledgedAtUtc is not null && !job.CurrentStatus.IsFailure()) job.AcknowledgedAtUtc = null;
        }
        if (raised.RowDrop)
            drafts.Add(NoticeDraft.Warn(WarningKind.DrillRowDrop, job,
                $"{drill.Rows:N0} rows restored, below {content.SizeDropPercent} % of the previous passed drill's {finished.PreviousPassedRows:N0}",
                $"drill:{drill.Id}:row_drop", drill.Id));
        if (drafts.Count == 0) return;

        var facts = await store.FactsAsync([job], cancellationToken);
        var covering = MaintenanceCoverage.Covering(facts.Windows, job, now);
        // Quieting sees the job as failing while its last drill failed, whatever its backups' status.
        var status = drill.Status == DrillStatus.Failed && !job.CurrentStatus.IsFailure() ? JobStatus.Failed : job.CurrentStatus;
        var notices = drafts.Select(draft =>
        {
            var (why, windowId) = AlertPolicy.Quiet(draft.Kind, status, facts.AcknowledgedAt(job.Id), covering);
            return NoticeBuilder.Build(draft, facts, now, why, windowId);
        }).ToList();
        var written = await store.AddAsync(notices, cancellationToken);
        if (NoticeBuilder.AnySkipped(written)) email.WarnOnceIfDisabled();
        foreach (var notice in written)
            logger.LogInformation("Drill {Drill} of job {Job}: {Kind} notice {Notice} raised", drill.Id, job.Id, notice.Status, notice.Id);
    }

    private static string? Restored(Drill drill) => drill.Tables is { } tables ? $"{tables} tables, {drill.Rows:N0} rows restored" : drill.Detail;
}
