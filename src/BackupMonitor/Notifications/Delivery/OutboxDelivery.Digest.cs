using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Notifications.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Notifications;

/// <summary>
/// Digests (SPEC §6.3): the deliveries of one batch are claimed together (compare-and-set, so across processes each is
/// in one message only), sent as one message, and all marked `sent` naming the digest. A failure is each delivery's
/// own failed attempt; an unreachable destination gives them all back with no attempt counted.
/// </summary>
public sealed partial class OutboxDelivery
{
    private sealed record DigestOutcome(int Sent, int Failed, bool DestinationDown);

    private async Task<DigestOutcome> DeliverDigestAsync(
        string name, Destination? destination, IChannel? channel, DeliveryBatch batch, Func<Task<IChannelSession>> session, TimeSpan lease,
        CancellationToken cancellationToken)
    {
        var claimed = await Locked(() => claims.TryClaimManyAsync(batch.DeliveryIds, time.UtcNow() + lease, cancellationToken));
        if (claimed.Count == 0) return new DigestOutcome(0, 0, false);
        var loaded = await Locked(() => LoadManyAsync(claimed, cancellationToken));
        if (destination is null || channel is null)
        {
            foreach (var (delivery, _) in loaded)
                await RecordAsync(delivery, DeliveryState.Failed, $"destination '{name}' does not exist (removed after this notice was routed)");
            return new DigestOutcome(0, loaded.Count, false);
        }
        if (destination.Kind == DestinationKind.Email && !email.IsEnabled)
        {
            email.WarnOnceIfDisabled();
            foreach (var (delivery, _) in loaded)
                await RecordAsync(delivery, DeliveryState.Skipped, "e-mail is not configured (EMAIL_HOST or EMAIL_PICKUP_DIRECTORY, EMAIL_SENDER)", countAttempt: false);
            return new DigestOutcome(0, 0, false);
        }
        var items = loaded.Select(l => l.Item).ToList();
        RenderedNotice message;
        try
        {
            message = renderer.RenderDigest(batch.Kind, items);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (var (delivery, _) in loaded) await RecordAsync(delivery, DeliveryState.Failed, $"template: {e.Message}");
            logger.LogError("Sending the digest of {Count} notifications failed: template: {Error} (destination {Destination})", loaded.Count, e.Message, name);
            return new DigestOutcome(0, loaded.Count, false);
        }

        var digest = new Digest { Destination = name, Kind = batch.Kind, Count = loaded.Count, CreatedAtUtc = time.UtcNow() };
        await Locked(async () =>
        {
            db.Digests.Add(digest);
            await db.SaveChangesAsync(CancellationToken.None);
            db.Entry(digest).State = EntityState.Detached;
        });
        var outgoing = new OutgoingNotice(0, 0, "digest", null, null, digest.CreatedAtUtc, message) { Items = items, DigestId = digest.Id };
        try
        {
            await (await session()).SendAsync(outgoing, cancellationToken);
        }
        catch (DeliveryException e) when (e.Failure == DeliveryFailure.ConnectionDown)
        {
            await Locked(() => claims.ReleaseManyAsync(claimed, e.Message, time.UtcNow() + FirstRetry));
            await ForgetDigestAsync(digest);
            logger.LogError("Sending the digest of {Count} notifications failed: {Error} (destination {Destination})", loaded.Count, e.Message, name);
            return new DigestOutcome(0, loaded.Count, true);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = e is DeliveryException ? e.Message : $"other: {e.Message}";
            foreach (var (delivery, _) in loaded)
            {
                var gaveUp = e is DeliveryException { Failure: DeliveryFailure.Permanent } || delivery.Attempts + 1 >= options.MaxAttempts;
                await RecordAsync(delivery, gaveUp ? DeliveryState.Failed : DeliveryState.Pending, error);
            }
            await ForgetDigestAsync(digest);
            logger.LogError("Sending the digest of {Count} notifications failed: {Error} (destination {Destination})", loaded.Count, error, name);
            return new DigestOutcome(0, loaded.Count, false);
        }
        await MarkSentAsync(claimed, digest.Id);
        logger.LogInformation("Digest {Digest} sent to destination '{Destination}': '{Subject}' ({Count} notifications).", digest.Id, name, message.Subject, loaded.Count);
        return new DigestOutcome(loaded.Count, 0, false);
    }

    private async Task<List<(Delivery Delivery, NoticeContent Item)>> LoadManyAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var list = ids.ToList();
        var deliveries = await db.Deliveries.AsNoTracking().Where(d => list.Contains(d.Id)).OrderBy(d => d.Id).ToListAsync(cancellationToken);
        var contents = await notices.ContentsAsync(deliveries.Select(d => d.NoticeId).ToList(), cancellationToken);
        return deliveries.Select(d => (d, contents[d.NoticeId])).ToList();
    }

    /// <summary>Every delivery of the digest becomes sent, naming it; never cancelled, so a send is never left unmarked.</summary>
    private Task MarkSentAsync(IReadOnlyList<int> ids, int digestId) => Locked(async () =>
    {
        var after = time.UtcNow();
        foreach (var chunk in ids.Chunk(500))
        {
            var some = chunk.ToList();
            await db.Deliveries.Where(d => some.Contains(d.Id)).ExecuteUpdateAsync(set => set
                .SetProperty(d => d.State, DeliveryState.Sent).SetProperty(d => d.Attempts, d => d.Attempts + 1).SetProperty(d => d.LastError, (string?)null)
                .SetProperty(d => d.LastAttemptAtUtc, after).SetProperty(d => d.NextAttemptAtUtc, (DateTime?)null).SetProperty(d => d.SentAtUtc, after)
                .SetProperty(d => d.DigestId, digestId)
                .SetProperty(d => d.ClaimedBy, (string?)null).SetProperty(d => d.ClaimedUntilUtc, (DateTime?)null), CancellationToken.None);
        }
    });

    /// <summary>A digest that was not sent names nothing: its row goes (its deliveries are regrouped by a later pass).</summary>
    private Task ForgetDigestAsync(Digest digest) =>
        Locked(() => db.Digests.Where(d => d.Id == digest.Id).ExecuteDeleteAsync(CancellationToken.None));
}
