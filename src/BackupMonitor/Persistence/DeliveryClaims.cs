using BackupMonitor.Domain;

namespace BackupMonitor.Persistence;

/// <summary>
/// Claims on deliveries (<see cref="Claims"/> on `deliveries`, pending ones only), so that several processes sharing
/// one database send each delivery once. A claim is taken just before sending, held by this process's
/// <see cref="ClaimOwner"/> (the same identity as its agent leases); a dead process's claims on this machine are freed at once.
/// </summary>
public sealed class DeliveryClaims(Claims claims)
{
    public string Owner => claims.Owner;

    /// <summary>Frees the claims of processes of this machine that have died (killed mid-send).</summary>
    public Task FreeClaimsOfDeadProcessesAsync(CancellationToken cancellationToken) =>
        claims.FreeClaimsOfDeadProcessesAsync(Claims.Deliveries, cancellationToken);

    /// <summary>True when this process now holds the delivery until <paramref name="until"/> (it is pending and nobody else holds it).</summary>
    public async Task<bool> TryClaimAsync(int deliveryId, DateTime until, CancellationToken cancellationToken) =>
        await claims.TakeAsync(Claims.Deliveries, [deliveryId], until, renewOwn: false, cancellationToken) == 1;

    /// <summary>
    /// Claims as many of these deliveries as are pending and free, for one digest; returns those now held. The claim's
    /// expiry carries a random microsecond, so two passes of one process never mistake each other's claims for their own.
    /// </summary>
    public async Task<IReadOnlyList<int>> TryClaimManyAsync(IReadOnlyList<int> deliveryIds, DateTime until, CancellationToken cancellationToken)
    {
        if (deliveryIds.Count == 0) return [];
        var mine = Timestamps.Normalize(until + TimeSpan.FromTicks(Random.Shared.Next(1, 1_000_000) * 10L));
        await claims.TakeAsync(Claims.Deliveries, deliveryIds, mine, renewOwn: false, cancellationToken);
        var holders = await claims.HoldersAsync(Claims.Deliveries, deliveryIds, cancellationToken, until: mine);
        return holders.Where(h => h.Value == Owner).Select(h => h.Key).Order().ToList();
    }

    /// <summary>Gives claimed deliveries back untouched but for their error and next attempt (a connection-level failure).</summary>
    public Task ReleaseManyAsync(IReadOnlyList<int> deliveryIds, string error, DateTime nextAttempt) =>
        claims.ReleaseAsync(Claims.Deliveries, deliveryIds, (nameof(Delivery.LastError), error), (nameof(Delivery.NextAttemptAtUtc), nextAttempt));

    /// <summary>Gives a claimed delivery back untouched but for its error and next attempt (a connection-level failure).</summary>
    public Task ReleaseAsync(int deliveryId, string error, DateTime nextAttempt) => ReleaseManyAsync([deliveryId], error, nextAttempt);
}
