using BackupMonitor.Configuration;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Notifications;

/// <summary>
/// Sends pending notices from the outbox, one attempt each per pass. Accepted → sent (never again); refused →
/// still pending with its error and a backoff (30 s doubling, capped at SCAN_INTERVAL_SECONDS), until
/// EMAIL_MAX_ATTEMPTS → failed. A short lease per notice keeps two processes from sending the same one.
/// </summary>
public sealed class OutboxDelivery(
    BackupMonitorDbContext db, IMailTransport transport, EmailSwitch email, EmailOptions options, ScanOptions scan,
    TimeProvider time, ILogger<OutboxDelivery> logger) : INoticeDelivery
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(30);
    private readonly string owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public async Task<DeliveryResult> DeliverPendingAsync(CancellationToken cancellationToken, DeliveryPass pass = DeliveryPass.Due)
    {
        if (!email.IsEnabled)
        {
            email.WarnOnceIfDisabled();
            return DeliveryResult.None;
        }
        int sent = 0, failed = 0;
        try
        {
            var now = time.UtcNow();
            var ids = await db.Notices
                .Where(n => n.State == NoticeState.Pending)
                .Where(n => pass == DeliveryPass.EveryPending || n.NextAttemptAtUtc == null || n.NextAttemptAtUtc <= now)
                .OrderBy(n => n.Id).Select(n => n.Id).ToListAsync(cancellationToken);
            foreach (var id in ids)
            {
                switch (await DeliverOneAsync(id, cancellationToken))
                {
                    case true: sent++; break;
                    case false: failed++; break;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The outbox itself is unreachable: the notices stay pending for the next pass.
            logger.LogError("La distribution des notifications a été interrompue : {Error}", e.GetBaseException().Message);
        }
        return new DeliveryResult(sent, failed);
    }

    /// <summary>True sent, false failed attempt, null not ours to try (another process holds it, or it is gone).</summary>
    private async Task<bool?> DeliverOneAsync(int id, CancellationToken cancellationToken)
    {
        var now = time.UtcNow();
        var lease = now.AddSeconds(options.TimeoutSeconds * 4 + 60);
        var claimed = await db.Notices
            .Where(n => n.Id == id && n.State == NoticeState.Pending && (n.ClaimedUntilUtc == null || n.ClaimedUntilUtc < now))
            .ExecuteUpdateAsync(set => set.SetProperty(n => n.ClaimedBy, owner).SetProperty(n => n.ClaimedUntilUtc, lease), cancellationToken);
        if (claimed == 0) return null;

        var notice = await db.Notices.SingleAsync(n => n.Id == id, cancellationToken);
        var database = await db.Jobs.Where(j => j.Id == notice.ExpectedJobId).Select(j => j.DatabaseName).SingleOrDefaultAsync(cancellationToken) ?? $"#{notice.ExpectedJobId}";
        var message = NoticeMessage.Build(options, notice.Subject, notice.BodyText, notice.BodyHtml, messageId: $"notice-{notice.Id}.{notice.CreatedAtUtc:yyyyMMddHHmmss}@backupmonitor");
        string? error = null;
        try
        {
            await transport.SendAsync(message, cancellationToken);
        }
        catch (NotificationException e)
        {
            error = e.Message;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = $"other: {e.Message}";
        }

        var after = time.UtcNow();
        notice.Attempts++;
        notice.LastAttemptAtUtc = after;
        notice.ClaimedBy = null;
        notice.ClaimedUntilUtc = null;
        if (error is null)
        {
            notice.State = NoticeState.Sent;
            notice.SentAtUtc = after;
            notice.LastError = null;
            notice.NextAttemptAtUtc = null;
            await db.SaveChangesAsync(CancellationToken.None);
            logger.LogInformation("E-mail de notification envoyé à '{Recipients}' avec le sujet : '{Subject}'", string.Join(", ", options.Recipients), notice.Subject);
            return true;
        }

        notice.LastError = error;
        if (notice.Attempts >= options.MaxAttempts)
        {
            notice.State = NoticeState.Failed;
            notice.NextAttemptAtUtc = null;
        }
        else
        {
            notice.NextAttemptAtUtc = after + Backoff(notice.Attempts, TimeSpan.FromSeconds(scan.IntervalSeconds));
        }
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogError("Échec de l'envoi de la notification pour le job '{Database}' : {Error}", database, error);
        if (notice.State == NoticeState.Failed)
            logger.LogError("Notification {Id} abandonnée après {Attempts} tentatives (EMAIL_MAX_ATTEMPTS).", notice.Id, notice.Attempts);
        return false;
    }

    /// <summary>30 s after the first failed attempt, doubling each time, never longer than the scan interval.</summary>
    public static TimeSpan Backoff(int attempts, TimeSpan cap)
    {
        var delay = FirstRetry * Math.Pow(2, Math.Min(attempts - 1, 20));
        return delay < cap ? delay : cap;
    }
}
