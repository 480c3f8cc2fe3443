using BackupMonitor.Configuration;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Notifications;

/// <summary>
/// Puts an alert (failure entry), a recovery notice (first success after a failure) and a warning (a success far
/// below the job's usual size, SPEC §5.1) in the outbox, in the entry's own transaction, so an entry is never
/// recorded without its notice nor a notice without its entry.
/// </summary>
public sealed class OutboxNotifier(
    EmailOptions options, EmailSwitch email, NoticeComposer composer, TimeProvider time, ILogger<OutboxNotifier> logger) : IEntryNotifier
{
    public Task OnEntryRecordedAsync(BackupMonitorDbContext db, RecordedEntry recorded, CancellationToken cancellationToken)
    {
        var (job, entry) = (recorded.Job, recorded.Entry);
        if (recorded.SizeDropped)
        {
            logger.LogWarning("Avertissement de taille pour le job '{Database}' : {Warning}", job.DatabaseName, entry.ErrorMessage);
            AddNotice(db, NoticeKind.Warning, recorded);
        }
        NoticeKind kind;
        if (entry.Status != BackupEntryStatus.Success)
        {
            kind = NoticeKind.Alert;
            logger.LogInformation("Déclenchement de la notification pour le job '{Database}' avec le statut '{Status}'.", job.DatabaseName, entry.Status.ToWire());
        }
        else if (options.NotifyOnRecovery && recorded.PreviousJobStatus.IsFailure() && recorded.ChangedJobStatus && job.CurrentStatus == JobStatus.Ok)
        {
            kind = NoticeKind.Recovery;
            logger.LogInformation("Déclenchement de la notification de rétablissement pour le job '{Database}' (statut précédent '{Previous}').", job.DatabaseName, recorded.PreviousJobStatus.ToWire());
        }
        else
        {
            logger.LogDebug("Aucune notification requise pour le statut SUCCÈS du job '{Database}'.", job.DatabaseName);
            return Task.CompletedTask;
        }
        AddNotice(db, kind, recorded);
        return Task.CompletedTask;
    }

    private void AddNotice(BackupMonitorDbContext db, NoticeKind kind, RecordedEntry recorded)
    {
        var (job, entry) = (recorded.Job, recorded.Entry);
        var (subject, text, html) = composer.Compose(kind, job, entry, recorded.PreviousJobStatus);
        var now = time.UtcNow();
        email.WarnOnceIfDisabled();
        db.Notices.Add(new Notice
        {
            BackupEntryId = entry.Id,
            ExpectedJobId = job.Id,
            Kind = kind,
            State = email.IsEnabled ? NoticeState.Pending : NoticeState.Skipped,
            Subject = subject,
            BodyText = text,
            BodyHtml = html,
            CreatedAtUtc = now,
            NextAttemptAtUtc = email.IsEnabled ? now : null,
        });
    }
}
