using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Persistence;

/// <summary>A pending delivery due now: which destination, and the kind of its notice (digests group by kind).</summary>
public sealed record DueDelivery(int Id, string Destination, NoticeKind Kind);

/// <summary>
/// Every statement of the delivery pass: the due deliveries, claims across processes (<see cref="DeliveryClaims"/>),
/// loading what a message is rendered from, digest rows, and each attempt's outcome. The sender works on several
/// destinations at once while this store has one DbContext: its calls take turns (a semaphore), so the sender never
/// sees the context. Outcomes are written with CancellationToken.None, so a message sent is never left unmarked.
/// </summary>
public sealed class DeliveryStore(BackupMonitorDbContext db, DeliveryClaims claims, NoticeStore notices, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim turn = new(1, 1);

    public Task FreeClaimsOfDeadProcessesAsync(CancellationToken cancellationToken) =>
        Turn(() => claims.FreeClaimsOfDeadProcessesAsync(cancellationToken));

    /// <summary>Pending deliveries in id order: every one (a scan's pass), or those whose backoff has passed by <paramref name="now"/>.</summary>
    public Task<List<DueDelivery>> DueAsync(bool everyPending, DateTime now, CancellationToken cancellationToken) => Turn(() =>
        db.Deliveries.AsNoTracking()
            .Where(d => d.State == DeliveryState.Pending)
            .Where(d => everyPending || d.NextAttemptAtUtc == null || d.NextAttemptAtUtc <= now)
            .Join(db.Notices, d => d.NoticeId, n => n.Id, (d, n) => new { d.Id, d.Destination, n.Kind })
            .OrderBy(d => d.Id).Select(d => new DueDelivery(d.Id, d.Destination, d.Kind)).ToListAsync(cancellationToken));

    /// <summary>Claims these deliveries (those still pending and free) until <paramref name="until"/>; returns the ones now held.</summary>
    public Task<IReadOnlyList<int>> ClaimAsync(IReadOnlyList<int> ids, DateTime until, CancellationToken cancellationToken) =>
        Turn(() => claims.TryClaimManyAsync(ids, until, cancellationToken));

    /// <summary>The claimed deliveries in id order, each with what its message is rendered from.</summary>
    public Task<List<(Delivery Delivery, NoticeContent Content)>> LoadAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken) => Turn(async () =>
    {
        var list = ids.ToList();
        var deliveries = await db.Deliveries.AsNoTracking().Where(d => list.Contains(d.Id)).OrderBy(d => d.Id).ToListAsync(cancellationToken);
        var contents = await notices.ContentsAsync(deliveries.Select(d => d.NoticeId).ToList(), cancellationToken);
        return deliveries.Select(d => (d, contents[d.NoticeId])).ToList();
    });

    /// <summary>Gives claimed deliveries back untouched but for their error and next attempt (a connection-level failure).</summary>
    public Task ReleaseAsync(IReadOnlyList<int> ids, string error, DateTime nextAttempt) =>
        Turn(() => claims.ReleaseManyAsync(ids, error, nextAttempt));

    /// <summary>Records a digest about to be sent (SPEC §6.3); returns its id.</summary>
    public Task<Digest> AddDigestAsync(string destination, NoticeKind kind, int count) => Turn(async () =>
    {
        var digest = new Digest { Destination = destination, Kind = kind, Count = count, CreatedAtUtc = time.UtcNow() };
        db.Digests.Add(digest);
        await db.SaveChangesAsync(CancellationToken.None);
        db.Entry(digest).State = EntityState.Detached;
        return digest;
    });

    /// <summary>A digest that was not sent names nothing: its row goes (its deliveries are regrouped by a later pass).</summary>
    public Task ForgetDigestAsync(int digestId) =>
        Turn(() => db.Digests.Where(d => d.Id == digestId).ExecuteDeleteAsync(CancellationToken.None));

    /// <summary>
    /// One attempt that did not end in `sent`: pending again after <paramref name="retryAfter"/>, or failed / skipped for
    /// good; a skipped delivery (e-mail not configured) counts no attempt. The claim is freed.
    /// </summary>
    public Task RecordAsync(Delivery delivery, DeliveryState state, string? error, bool countAttempt, TimeSpan retryAfter) => Turn(async () =>
    {
        var after = time.UtcNow();
        var attempts = delivery.Attempts + (countAttempt ? 1 : 0);
        DateTime? next = state == DeliveryState.Pending ? after + retryAfter : null;
        DateTime? attemptAt = countAttempt ? after : delivery.LastAttemptAtUtc;
        await db.Deliveries.Where(d => d.Id == delivery.Id).ExecuteUpdateAsync(set => set
            .SetProperty(d => d.State, state).SetProperty(d => d.Attempts, attempts).SetProperty(d => d.LastError, error)
            .SetProperty(d => d.LastAttemptAtUtc, attemptAt).SetProperty(d => d.NextAttemptAtUtc, next).SetProperty(d => d.SentAtUtc, (DateTime?)null)
            .SetProperty(d => d.ClaimedBy, (string?)null).SetProperty(d => d.ClaimedUntilUtc, (DateTime?)null), CancellationToken.None);
    });

    /// <summary>The deliveries of one message (one notice, or a digest naming <paramref name="digestId"/>) are sent; their claims are freed.</summary>
    public Task MarkSentAsync(IReadOnlyList<int> ids, int? digestId) => Turn(async () =>
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

    private async Task<T> Turn<T>(Func<Task<T>> work)
    {
        await turn.WaitAsync(CancellationToken.None);
        try
        {
            return await work();
        }
        finally
        {
            turn.Release();
        }
    }

    private Task Turn(Func<Task> work) => Turn(async () => { await work(); return true; });

    public void Dispose() => turn.Dispose();
}
