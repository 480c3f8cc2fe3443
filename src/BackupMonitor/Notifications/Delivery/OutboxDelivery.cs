using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Notifications.Channels;
using BackupMonitor.Persistence;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Notifications;

/// <summary>
/// Sends pending deliveries, one attempt each per pass, each destination on its own (in parallel, so one down
/// destination delays no other). One path for every message: a batch of <see cref="AlertPolicy.Batches"/> is one
/// notice or a digest of several (SPEC §6.3), claimed together (so across processes each delivery is in one message
/// only), rendered, sent, and its outcome recorded for each delivery. Accepted → sent (never again; a digest's
/// deliveries name it); refused → still pending with its error and a backoff (30 s doubling, capped at
/// SCAN_INTERVAL_SECONDS) until DELIVERY_MAX_ATTEMPTS → failed. A destination that cannot be reached ends its own pass
/// at once with no attempt counted: an outage loses nothing and costs one timeout per pass. Messages are rendered
/// here; a template fault fails that message's deliveries, never a scan. Every statement is <see cref="DeliveryStore"/>'s.
/// </summary>
public sealed class OutboxDelivery(
    DeliveryStore store, DestinationCatalog catalog, IEnumerable<IChannel> channels, NoticeRenderer renderer, EmailSwitch email,
    EmailOptions emailOptions, DeliveryOptions options, AlertOptions alerts, ScanOptions scan, TimeProvider time, ILogger<OutboxDelivery> logger)
    : INoticeDelivery
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(30);

    private sealed record Outcome(int Sent, int Failed, bool DestinationDown)
    {
        public static readonly Outcome Nothing = new(0, 0, false);
    }

    public async Task<DeliveryResult> DeliverPendingAsync(CancellationToken cancellationToken, DeliveryPass pass = DeliveryPass.Due)
    {
        try
        {
            await store.FreeClaimsOfDeadProcessesAsync(cancellationToken);
            var due = await store.DueAsync(pass == DeliveryPass.EveryPending, time.UtcNow(), cancellationToken);
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

    /// <summary>One destination's batches in order, over one channel session, until they are done or the destination is down.</summary>
    private async Task<DeliveryResult> DeliverToAsync(string name, Destination? destination, IReadOnlyList<DeliveryBatch> batches, CancellationToken cancellationToken)
    {
        int sent = 0, failed = 0;
        var channel = destination is null ? null : channels.FirstOrDefault(c => c.Kind == destination.Kind);
        IChannelSession? session = null;
        async Task<IChannelSession> Session() => session ??= await channel!.OpenAsync(destination!, cancellationToken);
        var remaining = batches.Sum(b => b.DeliveryIds.Count);
        try
        {
            foreach (var batch in batches)
            {
                remaining -= batch.DeliveryIds.Count;
                var outcome = await SendAsync(name, destination, channel, batch, Session, cancellationToken);
                (sent, failed) = (sent + outcome.Sent, failed + outcome.Failed);
                if (!outcome.DestinationDown) continue;
                if (remaining > 0)
                    logger.LogWarning("Destination {Destination} unreachable: its {Count} other pending notification(s) wait for the next pass, no attempt counted.", name, remaining);
                break;
            }
        }
        finally
        {
            if (session is not null) await session.DisposeAsync();
        }
        return new DeliveryResult(sent, failed);
    }

    /// <summary>One message, a notice or a digest: claim, load, render, send, record.</summary>
    private async Task<Outcome> SendAsync(string name, Destination? destination, IChannel? channel, DeliveryBatch batch,
        Func<Task<IChannelSession>> session, CancellationToken cancellationToken)
    {
        var lease = TimeSpan.FromSeconds(Math.Max(emailOptions.TimeoutSeconds, options.WebhookTimeoutSeconds) * 4 + 60);
        var claimed = await store.ClaimAsync(batch.DeliveryIds, time.UtcNow() + lease, cancellationToken);
        if (claimed.Count == 0) return Outcome.Nothing;
        var loaded = await store.LoadAsync(claimed, cancellationToken);
        if (destination is null || channel is null)
        {
            foreach (var (delivery, _) in loaded)
                await RecordAsync(delivery, DeliveryState.Failed, $"destination '{name}' does not exist (removed after this notice was routed)");
            return new Outcome(0, loaded.Count, false);
        }
        if (destination.Kind == DestinationKind.Email && !email.IsEnabled)
        {
            email.WarnOnceIfDisabled();
            foreach (var (delivery, _) in loaded) await RecordAsync(delivery, DeliveryState.Skipped, NoticeBuilder.EmailNotConfigured, countAttempt: false);
            return Outcome.Nothing;
        }

        var what = batch.IsDigest ? $"the digest of {loaded.Count} notifications" : $"the notification for job '{About(loaded[0].Content)}'";
        OutgoingNotice outgoing;
        try
        {
            outgoing = Render(batch, loaded);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError("Sending {What} failed: template: {Error} (destination {Destination})", what, e.Message, name);
            foreach (var (delivery, _) in loaded) await RecordAsync(delivery, DeliveryState.Failed, $"template: {e.Message}");
            return new Outcome(0, loaded.Count, false);
        }

        var digest = batch.IsDigest ? await store.AddDigestAsync(name, batch.Kind, loaded.Count) : null;
        if (digest is not null) outgoing = outgoing with { DigestId = digest.Id, CreatedAtUtc = digest.CreatedAtUtc };
        try
        {
            await (await session()).SendAsync(outgoing, cancellationToken);
        }
        catch (DeliveryException e) when (e.Failure == DeliveryFailure.ConnectionDown)
        {
            logger.LogError("Sending {What} failed: {Error} (destination {Destination})", what, e.Message, name);
            await store.ReleaseAsync(claimed, e.Message, time.UtcNow() + FirstRetry);
            if (digest is not null) await store.ForgetDigestAsync(digest.Id);
            return new Outcome(0, loaded.Count, true);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = e is DeliveryException ? e.Message : $"other: {e.Message}";
            logger.LogError("Sending {What} failed: {Error} (destination {Destination})", what, error, name);
            foreach (var (delivery, _) in loaded)
            {
                var gaveUp = e is DeliveryException { Failure: DeliveryFailure.Permanent } || delivery.Attempts + 1 >= options.MaxAttempts;
                await RecordAsync(delivery, gaveUp ? DeliveryState.Failed : DeliveryState.Pending, error);
                if (gaveUp)
                    logger.LogError("Notification {Id} to {Destination} abandoned after {Attempts} attempt(s) (DELIVERY_MAX_ATTEMPTS {Max}).", delivery.Id, name, delivery.Attempts + 1, options.MaxAttempts);
            }
            if (digest is not null) await store.ForgetDigestAsync(digest.Id);
            return new Outcome(0, loaded.Count, false);
        }

        await store.MarkSentAsync(claimed, digest?.Id);
        if (digest is not null)
            logger.LogInformation("Digest {Digest} sent to destination '{Destination}': '{Subject}' ({Count} notifications).", digest.Id, name, outgoing.Message.Subject, loaded.Count);
        else if (destination.Kind == DestinationKind.Email)
            logger.LogInformation("Notification e-mail sent to '{Recipients}' with subject '{Subject}'", destination.Target, outgoing.Message.Subject);
        else
            logger.LogInformation("Notification sent to destination '{Destination}': '{Subject}'", name, outgoing.Message.Subject);
        return new Outcome(loaded.Count, 0, false);
    }

    /// <summary>A notice's own message, or one digest message for the batch's notices (event `digest`).</summary>
    private OutgoingNotice Render(DeliveryBatch batch, IReadOnlyList<(Delivery Delivery, NoticeContent Content)> loaded)
    {
        if (!batch.IsDigest) return OutgoingNotice.Of(loaded[0].Delivery.Id, loaded[0].Content, renderer.Render(loaded[0].Content));
        var items = loaded.Select(l => l.Content).ToList();
        return new OutgoingNotice(0, 0, "digest", null, null, time.UtcNow(), renderer.RenderDigest(batch.Kind, items)) { Items = items };
    }

    /// <summary>What a log line names a notice by: its job's database, else its company and month.</summary>
    private static string About(NoticeContent content) =>
        content.Job?.DatabaseName ?? $"{content.Notice.CompanyName} {content.Notice.Period}".Trim();

    private Task RecordAsync(Delivery delivery, DeliveryState state, string? error, bool countAttempt = true) =>
        store.RecordAsync(delivery, state, error, countAttempt, Backoff(delivery.Attempts + (countAttempt ? 1 : 0), TimeSpan.FromSeconds(scan.IntervalSeconds)));

    /// <summary>30 s after the first failed attempt, doubling each time, never longer than the scan interval.</summary>
    public static TimeSpan Backoff(int attempts, TimeSpan cap)
    {
        var delay = FirstRetry * Math.Pow(2, Math.Min(Math.Max(attempts, 1) - 1, 20));
        return delay < cap ? delay : cap;
    }
}
