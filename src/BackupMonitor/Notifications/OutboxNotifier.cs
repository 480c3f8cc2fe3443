using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Notifications;

/// <summary>
/// Puts an alert (failure entry), a recovery notice (first success after a failure) or a warning (a success far
/// below the job's usual size, SPEC §5.1) in the outbox, with one
/// delivery per destination its routes choose, in the entry's own transaction: an entry is never recorded without
/// its notice nor a notice without its entry. Only plain values are written here; nothing is rendered.
/// </summary>
public sealed class OutboxNotifier(
    EmailOptions options, EmailSwitch email, DestinationCatalog catalog, TimeProvider time, ILogger<OutboxNotifier> logger) : IEntryNotifier
{
    private Dictionary<string, Destination>? destinations;
    private List<AlertRoute>? routes;

    public async Task OnEntryRecordedAsync(BackupMonitorDbContext db, RecordedEntry recorded, CancellationToken cancellationToken)
    {
        var (job, entry) = (recorded.Job, recorded.Entry);
        if (recorded.SizeDropped)
        {
            logger.LogWarning("Avertissement de taille pour le job '{Database}' : {Warning}", job.DatabaseName, entry.ErrorMessage);
            await AddNoticeAsync(db, NoticeKind.Warning, recorded, cancellationToken);
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
            return;
        }
        await AddNoticeAsync(db, kind, recorded, cancellationToken);
    }

    private async Task AddNoticeAsync(BackupMonitorDbContext db, NoticeKind kind, RecordedEntry recorded, CancellationToken cancellationToken)
    {
        var (job, entry) = (recorded.Job, recorded.Entry);
        // Routes and destinations are read once per scan (scope), inside the first entry's transaction.
        destinations ??= await catalog.DestinationsAsync(cancellationToken);
        routes ??= await catalog.RoutesAsync(cancellationToken);
        var now = time.UtcNow();
        var notice = new Notice
        {
            BackupEntryId = entry.Id, ExpectedJobId = job.Id, Kind = kind,
            JobStatus = job.CurrentStatus, PreviousJobStatus = recorded.PreviousJobStatus, CreatedAtUtc = now,
        };
        var names = NoticeRouting.DestinationsFor(RoutedNotice.Of(kind, job, entry.Status), routes, destinations.ContainsKey(Destination.Admins));
        foreach (var name in names) notice.Deliveries.Add(NewDelivery(name, destinations.GetValueOrDefault(name), now));
        // A notice that reaches no one is still recorded, as skipped for `admins`, so the outbox shows it went nowhere.
        if (notice.Deliveries.Count == 0)
            notice.Deliveries.Add(Skipped(Destination.Admins, now, "no destination: ADMIN_EMAIL_RECIPIENT is not set and no route matches"));
        db.Notices.Add(notice);
    }

    private Delivery NewDelivery(string name, Destination? destination, DateTime now)
    {
        if (destination?.Kind == DestinationKind.Email && !email.IsEnabled)
        {
            email.WarnOnceIfDisabled();
            return Skipped(name, now, "e-mail is not configured (EMAIL_HOST or EMAIL_PICKUP_DIRECTORY, EMAIL_SENDER)");
        }
        return new Delivery { Destination = name, State = DeliveryState.Pending, CreatedAtUtc = now, NextAttemptAtUtc = now };
    }

    private Delivery Skipped(string name, DateTime now, string why)
    {
        email.WarnOnceIfDisabled();
        return new Delivery { Destination = name, State = DeliveryState.Skipped, CreatedAtUtc = now, LastError = why };
    }
}
