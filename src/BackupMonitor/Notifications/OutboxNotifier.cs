using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Notifications;

/// <summary>
/// Puts an alert (failure entry), a recovery notice (first success after a failure) or a warning (a success far
/// below the job's usual size, SPEC §5.1) in the outbox, with one
/// delivery per destination its routes choose, in the entry's own transaction: an entry is never recorded without
/// its notice nor a notice without its entry. The alert policy (SPEC §6.1, §6.3) says whether a notice is raised
/// and whether its deliveries are suppressed (acknowledgement, maintenance window), and ends acknowledgements on
/// recovery. Only plain values are written here; nothing is rendered.
/// </summary>
public sealed class OutboxNotifier(
    EmailOptions options, AlertOptions alerts, EmailSwitch email, DestinationCatalog catalog, QuietingFacts quieting, TimeProvider time,
    ILogger<OutboxNotifier> logger) : IEntryNotifier
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
        NoticeKind? kind = entry.Status != BackupEntryStatus.Success ? NoticeKind.Alert
            : options.NotifyOnRecovery && recorded.PreviousJobStatus.IsFailure() && recorded.ChangedJobStatus && job.CurrentStatus == JobStatus.Ok ? NoticeKind.Recovery
            : null;
        if (await AddNoticeAsync(db, kind, recorded, cancellationToken)) return;
        if (entry.Status == BackupEntryStatus.Success)
            logger.LogDebug("Aucune notification requise pour le statut SUCCÈS du job '{Database}'.", job.DatabaseName);
        else
            logger.LogDebug("Pas de nouvelle alerte pour le job '{Database}' : toujours '{Status}' (ALERT_MODE=on_change, prochain rappel après ALERT_REMINDER_HOURS).", job.DatabaseName, entry.Status.ToWire());
    }

    /// <summary>
    /// Asks the alert policy about a notice of this kind (null: the entry raises none by itself, but may end an
    /// acknowledgement) and adds it, its deliveries pending or suppressed. False when the policy raises nothing.
    /// </summary>
    private async Task<bool> AddNoticeAsync(BackupMonitorDbContext db, NoticeKind? kind, RecordedEntry recorded, CancellationToken cancellationToken)
    {
        var (job, entry) = (recorded.Job, recorded.Entry);
        var now = time.UtcNow();
        var covering = kind is null or NoticeKind.Recovery ? [] : MaintenanceCoverage.Covering(await quieting.WindowsAsync(cancellationToken), job, now);
        var facts = new AlertFacts(kind, job.CurrentStatus, recorded.ChangedJobStatus,
            await quieting.AcknowledgedAtAsync(job.Id, cancellationToken), kind == NoticeKind.Alert ? await quieting.LastAlertAtAsync(job.Id, cancellationToken) : null, covering);
        var decision = AlertPolicy.Decide(facts, alerts, now);
        if (decision.ClearAcknowledgement) await quieting.ClearAcknowledgementAsync(job, cancellationToken);
        if (!decision.Raise) return false;
        if (kind == NoticeKind.Alert)
        {
            quieting.AlertRaised(job.Id, now);
            logger.LogInformation("Déclenchement de la notification pour le job '{Database}' avec le statut '{Status}'.", job.DatabaseName, entry.Status.ToWire());
        }
        else if (kind == NoticeKind.Recovery)
            logger.LogInformation("Déclenchement de la notification de rétablissement pour le job '{Database}' (statut précédent '{Previous}').", job.DatabaseName, recorded.PreviousJobStatus.ToWire());
        if (decision.SuppressedBecause is { } why)
            logger.LogInformation("Notification du job '{Database}' {Why}.", job.DatabaseName, why);

        // Routes and destinations are read once per scan (scope), inside the first entry's transaction.
        destinations ??= await catalog.DestinationsAsync(cancellationToken);
        routes ??= await catalog.RoutesAsync(cancellationToken);
        var notice = new Notice
        {
            BackupEntryId = entry.Id, ExpectedJobId = job.Id, Kind = kind!.Value,
            JobStatus = job.CurrentStatus, PreviousJobStatus = recorded.PreviousJobStatus, CreatedAtUtc = now,
        };
        var names = NoticeRouting.DestinationsFor(RoutedNotice.Of(kind.Value, job, entry.Status), routes, destinations.ContainsKey(Destination.Admins));
        foreach (var name in names)
            notice.Deliveries.Add(decision.SuppressedBecause is { } reason
                ? Suppressed(name, now, reason, decision.SuppressedByWindowId)
                : NewDelivery(name, destinations.GetValueOrDefault(name), now));
        // A notice that reaches no one is still recorded, as skipped for `admins`, so the outbox shows it went nowhere.
        if (notice.Deliveries.Count == 0)
            notice.Deliveries.Add(Skipped(Destination.Admins, now, "no destination: ADMIN_EMAIL_RECIPIENT is not set and no route matches"));
        db.Notices.Add(notice);
        return true;
    }

    /// <summary>Recorded as it would have gone, never sent: the outbox shows what was quieted and why (SPEC §6.3).</summary>
    private static Delivery Suppressed(string name, DateTime now, string why, int? windowId) =>
        new() { Destination = name, State = DeliveryState.Suppressed, CreatedAtUtc = now, LastError = why, SuppressedByWindowId = windowId };

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
