using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Notifications;

/// <summary>
/// Claims on deliveries, so that several processes sharing one database send each delivery once. A claim is a
/// compare-and-set UPDATE taken just before sending, held by this process's <see cref="ClaimOwner"/> (the same
/// identity as its agent leases); a dead process's claims on this machine are freed at once.
/// </summary>
public sealed class DeliveryClaims(BackupMonitorDbContext db, ClaimOwner owner, TimeProvider time)
{
    public string Owner => owner.Name;

    /// <summary>Frees the claims of processes of this machine that have died (killed mid-send).</summary>
    public async Task FreeClaimsOfDeadProcessesAsync(CancellationToken cancellationToken)
    {
        var now = time.UtcNow();
        var holders = await db.Deliveries
            .Where(d => d.State == DeliveryState.Pending && d.ClaimedBy != null && d.ClaimedBy != Owner && d.ClaimedUntilUtc >= now)
            .Select(d => d.ClaimedBy!).Distinct().ToListAsync(cancellationToken);
        var dead = holders.Where(ClaimOwner.IsDeadLocalProcess).ToList();
        if (dead.Count == 0) return;
        await db.Deliveries.Where(d => d.State == DeliveryState.Pending && d.ClaimedBy != null && dead.Contains(d.ClaimedBy))
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.ClaimedBy, (string?)null).SetProperty(d => d.ClaimedUntilUtc, (DateTime?)null), cancellationToken);
    }

    /// <summary>True when this process now holds the delivery until <paramref name="until"/> (it is pending and nobody else holds it).</summary>
    public async Task<bool> TryClaimAsync(int deliveryId, DateTime until, CancellationToken cancellationToken)
    {
        var now = time.UtcNow();
        var claimed = await db.Deliveries
            .Where(d => d.Id == deliveryId && d.State == DeliveryState.Pending && (d.ClaimedUntilUtc == null || d.ClaimedUntilUtc < now))
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.ClaimedBy, Owner).SetProperty(d => d.ClaimedUntilUtc, until), cancellationToken);
        return claimed == 1;
    }

    /// <summary>
    /// Claims as many of these deliveries as are pending and free, for one digest; returns those now held. The claim's
    /// expiry carries a random microsecond, so two passes of one process never mistake each other's claims for their own.
    /// </summary>
    public async Task<IReadOnlyList<int>> TryClaimManyAsync(IReadOnlyList<int> deliveryIds, DateTime until, CancellationToken cancellationToken)
    {
        var now = time.UtcNow();
        var mine = Timestamps.Normalize(until + TimeSpan.FromTicks(Random.Shared.Next(1, 1_000_000) * 10L));
        var claimed = new List<int>();
        foreach (var chunk in deliveryIds.Chunk(500))
        {
            var ids = chunk.ToList();
            await db.Deliveries
                .Where(d => ids.Contains(d.Id) && d.State == DeliveryState.Pending && (d.ClaimedUntilUtc == null || d.ClaimedUntilUtc < now))
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.ClaimedBy, Owner).SetProperty(d => d.ClaimedUntilUtc, mine), cancellationToken);
            claimed.AddRange(await db.Deliveries.AsNoTracking()
                .Where(d => ids.Contains(d.Id) && d.State == DeliveryState.Pending && d.ClaimedBy == Owner && d.ClaimedUntilUtc == mine)
                .Select(d => d.Id).ToListAsync(cancellationToken));
        }
        return claimed.Order().ToList();
    }

    /// <summary>Gives claimed deliveries back untouched but for their error and next attempt (a connection-level failure).</summary>
    public async Task ReleaseManyAsync(IReadOnlyList<int> deliveryIds, string error, DateTime nextAttempt)
    {
        foreach (var chunk in deliveryIds.Chunk(500))
        {
            var ids = chunk.ToList();
            await db.Deliveries.Where(d => ids.Contains(d.Id) && d.ClaimedBy == Owner)
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.ClaimedBy, (string?)null).SetProperty(d => d.ClaimedUntilUtc, (DateTime?)null)
                    .SetProperty(d => d.LastError, error).SetProperty(d => d.NextAttemptAtUtc, nextAttempt), CancellationToken.None);
        }
    }

    /// <summary>Gives a claimed delivery back untouched but for its error and next attempt (a connection-level failure).</summary>
    public Task ReleaseAsync(int deliveryId, string error, DateTime nextAttempt) =>
        db.Deliveries.Where(d => d.Id == deliveryId && d.ClaimedBy == Owner)
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.ClaimedBy, (string?)null).SetProperty(d => d.ClaimedUntilUtc, (DateTime?)null)
                .SetProperty(d => d.LastError, error).SetProperty(d => d.NextAttemptAtUtc, nextAttempt), CancellationToken.None);
}
