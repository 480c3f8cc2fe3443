using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Notifications.Channels;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Notifications;

/// <summary>
/// Sends pending deliveries, one attempt each per pass, each destination on its own (in parallel, so one down
/// destination delays no other). Accepted → sent (never again); refused → still pending with its error and a
/// backoff (30 s doubling, capped at SCAN_INTERVAL_SECONDS) until DELIVERY_MAX_ATTEMPTS → failed. A destination
/// that cannot be reached ends its own pass at once with no attempt counted: an outage loses nothing and costs
/// one timeout per pass. Messages are rendered here; a template fault fails that delivery, never a scan.
/// </summary>
public sealed partial class OutboxDelivery(
    BackupMonitorDbContext db, DeliveryClaims claims, NoticeStore notices, DestinationCatalog catalog, IEnumerable<IChannel> channels, NoticeRenderer renderer,
    EmailSwitch email, EmailOptions emailOptions, DeliveryOptions options, AlertOptions alerts, ScanOptions scan, TimeProvider time, ILogger<OutboxDelivery> logger)
    : INoticeDelivery
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(30);

    /// <summary>The destinations' workers run in parallel; the one DbContext is used by one at a time.</summary>
    private readonly SemaphoreSlim database = new(1, 1);

    public async Task<DeliveryResult> DeliverPendingAsync(CancellationToken cancellationToken, DeliveryPass pass = DeliveryPass.Due)
    {
        try
        {
            await claims.FreeClaimsOfDeadProcessesAsync(cancellationToken);
            var now = time.UtcNow();
            var due = await db.Deliveries.AsNoTracking()
                .Where(d => d.State == DeliveryState.Pending)
                .Where(d => pass == DeliveryPass.EveryPending || d.NextAttemptAtUtc == null || d.NextAttemptAtUtc <= now)
                .Join(db.Notices, d => d.NoticeId, n => n.Id, (d, n) => new { d.Id, d.Destination, n.Kind })
                .OrderBy(d => d.Id).ToListAsync(cancellationToken);
            if (due.Count == 0) return DeliveryResult.None;
            var destinations = await catalog.DestinationsAsync(cancellationToken);
            var results = await Task.WhenAll(due.GroupBy(d => d.Destination, StringComparer.Ordinal)
                .Select(g => DeliverToAsync(g.Key, destinations.GetValueOrDefault(g.Key),
                    AlertPolicy.Batches(g.Select(d => new PendingDelivery(d.Id, d.Kind)).ToList(), alerts.DigestThreshold), cancellationToken)));
            return new DeliveryResult(results.Sum(r => r.Sent), results.Sum(r => r.Failed));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The outbox itself is unreachable: the deliveries stay pending for the next pass.
            logger.LogError("Notification delivery was interrupted: {Error}", e.GetBaseException().Message);
            return DeliveryResult.None;
        }
    }

    private async Task<DeliveryResult> DeliverToAsync(string name, Destination? destination, IReadOnlyList<DeliveryBatch> batches, CancellationToken cancellationToken)
    {
        int sent = 0, failed = 0;
        var channel = destination is null ? null : channels.FirstOrDefault(c => c.Kind == destination.Kind);
        var lease = TimeSpan.FromSeconds(Math.Max(emailOptions.TimeoutSeconds, options.WebhookTimeoutSeconds) * 4 + 60);
        IChannelSession? session = null;
        async Task<IChannelSession> Session() => session ??= await channel!.OpenAsync(destination!, cancellationToken);
        var remaining = batches.Sum(b => b.DeliveryIds.Count);
        try
        {
            foreach (var batch in batches)
            {
                remaining -= batch.DeliveryIds.Count;
                if (batch.IsDigest)
                {
                    var digest = await DeliverDigestAsync(name, destination, channel, batch, Session, lease, cancellationToken);
                    (sent, failed) = (sent + digest.Sent, failed + digest.Failed);
                    if (digest.DestinationDown)
                    {
                        if (remaining > 0)
                            logger.LogWarning("Destination {Destination} unreachable: its {Count} other pending notification(s) wait for the next pass, no attempt counted.", name, remaining);
                        break;
                    }
                    continue;
                }
                var id = batch.DeliveryIds[0];
                if (!await Locked(() => claims.TryClaimAsync(id, time.UtcNow() + lease, cancellationToken))) continue;
                var (delivery, content) = await Locked(() => LoadAsync(id, cancellationToken));
                if (destination is null || channel is null)
                {
                    await RecordAsync(delivery, DeliveryState.Failed, $"destination '{name}' does not exist (removed after this notice was routed)");
                    failed++;
                    continue;
                }
                if (destination.Kind == DestinationKind.Email && !email.IsEnabled)
                {
                    email.WarnOnceIfDisabled();
                    await RecordAsync(delivery, DeliveryState.Skipped, "e-mail is not configured (EMAIL_HOST or EMAIL_PICKUP_DIRECTORY, EMAIL_SENDER)", countAttempt: false);
                    continue;
                }
                OutgoingNotice outgoing;
                try
                {
                    outgoing = OutgoingNotice.Of(delivery.Id, content, renderer.Render(content));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    await RecordAsync(delivery, DeliveryState.Failed, $"template: {e.Message}");
                    logger.LogError("Sending the notification for job '{Database}' failed: template: {Error} (destination {Destination})", About(content), e.Message, name);
                    failed++;
                    continue;
                }
                try
                {
                    await (await Session()).SendAsync(outgoing, cancellationToken);
                }
                catch (DeliveryException e) when (e.Failure == DeliveryFailure.ConnectionDown)
                {
                    failed++;
                    await Locked(() => claims.ReleaseAsync(id, e.Message, time.UtcNow() + FirstRetry));
                    logger.LogError("Sending the notification for job '{Database}' failed: {Error} (destination {Destination})", About(content), e.Message, name);
                    if (remaining > 0)
                        logger.LogWarning("Destination {Destination} unreachable: its {Count} other pending notification(s) wait for the next pass, no attempt counted.", name, remaining);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failed++;
                    var error = e is DeliveryException ? e.Message : $"other: {e.Message}";
                    var gaveUp = e is DeliveryException { Failure: DeliveryFailure.Permanent } || delivery.Attempts + 1 >= options.MaxAttempts;
                    await RecordAsync(delivery, gaveUp ? DeliveryState.Failed : DeliveryState.Pending, error);
                    logger.LogError("Sending the notification for job '{Database}' failed: {Error} (destination {Destination})", About(content), error, name);
                    if (gaveUp)
                        logger.LogError("Notification {Id} to {Destination} abandoned after {Attempts} attempt(s) (DELIVERY_MAX_ATTEMPTS {Max}).", delivery.Id, name, delivery.Attempts + 1, options.MaxAttempts);
                    continue;
                }
                await RecordAsync(delivery, DeliveryState.Sent, null);
                sent++;
                if (destination.Kind == DestinationKind.Email)
                    logger.LogInformation("Notification e-mail sent to '{Recipients}' with subject '{Subject}'", destination.Target, outgoing.Message.Subject);
                else
                    logger.LogInformation("Notification sent to destination '{Destination}': '{Subject}'", name, outgoing.Message.Subject);
            }
        }
        finally
        {
            if (session is not null) await session.DisposeAsync();
        }
        return new DeliveryResult(sent, failed);
    }

    private async Task<(Delivery, NoticeContent)> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var delivery = await db.Deliveries.AsNoTracking().SingleAsync(d => d.Id == id, cancellationToken);
        return (delivery, (await notices.ContentsAsync([delivery.NoticeId], cancellationToken))[delivery.NoticeId]);
    }

    /// <summary>What a log line names a notice by: its job's database, else its company and month.</summary>
    private static string About(NoticeContent content) =>
        content.Job?.DatabaseName ?? $"{content.Notice.CompanyName} {content.Notice.Period}".Trim();

    /// <summary>Writes an attempt's outcome and frees the claim; never cancelled, so a send is never left unmarked.</summary>
    private Task RecordAsync(Delivery delivery, DeliveryState state, string? error, bool countAttempt = true) => Locked(async () =>
    {
        var after = time.UtcNow();
        var attempts = delivery.Attempts + (countAttempt ? 1 : 0);
        DateTime? next = state == DeliveryState.Pending ? after + Backoff(attempts, TimeSpan.FromSeconds(scan.IntervalSeconds)) : null;
        DateTime? sentAt = state == DeliveryState.Sent ? after : null;
        DateTime? attemptAt = countAttempt ? after : delivery.LastAttemptAtUtc;
        await db.Deliveries.Where(d => d.Id == delivery.Id).ExecuteUpdateAsync(set => set
            .SetProperty(d => d.State, state).SetProperty(d => d.Attempts, attempts).SetProperty(d => d.LastError, error)
            .SetProperty(d => d.LastAttemptAtUtc, attemptAt).SetProperty(d => d.NextAttemptAtUtc, next).SetProperty(d => d.SentAtUtc, sentAt)
            .SetProperty(d => d.ClaimedBy, (string?)null).SetProperty(d => d.ClaimedUntilUtc, (DateTime?)null), CancellationToken.None);
        return true;
    });

    private async Task<T> Locked<T>(Func<Task<T>> work)
    {
        await database.WaitAsync(CancellationToken.None);
        try
        {
            return await work();
        }
        finally
        {
            database.Release();
        }
    }

    private Task Locked(Func<Task> work) => Locked(async () => { await work(); return true; });

    /// <summary>30 s after the first failed attempt, doubling each time, never longer than the scan interval.</summary>
    public static TimeSpan Backoff(int attempts, TimeSpan cap)
    {
        var delay = FirstRetry * Math.Pow(2, Math.Min(Math.Max(attempts, 1) - 1, 20));
        return delay < cap ? delay : cap;
    }
}
