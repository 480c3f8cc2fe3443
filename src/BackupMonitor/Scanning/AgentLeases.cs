using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Scanning;

/// <summary>
/// Time-limited claims on agents, so that several BackupMonitor processes sharing one database never process
/// the same agent's reports (or decide its missing backups) at the same time. A claim is a compare-and-set
/// UPDATE on `agent_leases`, atomic on SQLite and PostgreSQL alike, made for a whole batch of agents at once;
/// a crashed process's claims expire, and on this machine the next scan takes them over at once.
/// </summary>
public sealed class AgentLeases(BackupMonitorDbContext db, TimeProvider time)
{
    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(10);

    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>
    /// Claims as many of <paramref name="agentIds"/> as are free (new claim, renewal, or takeover of an expired
    /// claim): one UPDATE and one SELECT for the batch, plus one INSERT for agents never claimed before.
    /// Returns the claimed ones, in the given order.
    /// </summary>
    public async Task<IReadOnlyList<string>> TryClaimAsync(IReadOnlyList<string> agentIds, CancellationToken cancellationToken)
    {
        var now = time.UtcNow();
        var until = now + Duration;
        var owner = Owner;
        var ids = agentIds.ToList();
        await db.AgentLeases
            .Where(l => ids.Contains(l.AgentId) && (l.Owner == owner || l.ExpiresAtUtc < now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, owner).SetProperty(l => l.ExpiresAtUtc, until), cancellationToken);
        var holders = await db.AgentLeases.AsNoTracking()
            .Where(l => ids.Contains(l.AgentId))
            .Select(l => new { l.AgentId, l.Owner })
            .ToDictionaryAsync(l => l.AgentId, l => l.Owner, StringComparer.Ordinal, cancellationToken);
        var claimed = holders.Where(h => h.Value == owner).Select(h => h.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var dead in holders.Where(h => h.Value != owner && IsDeadWhenFirstSeen(h.Value)).GroupBy(h => h.Value))
        {
            // Held by a scan on this machine whose process was gone: take its claims over now (compare-and-set on the owner).
            var deadOwner = dead.Key;
            var agents = dead.Select(h => h.Key).ToList();
            await db.AgentLeases.Where(l => agents.Contains(l.AgentId) && l.Owner == deadOwner)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, owner).SetProperty(l => l.ExpiresAtUtc, until), cancellationToken);
            claimed.UnionWith(await db.AgentLeases.AsNoTracking().Where(l => agents.Contains(l.AgentId) && l.Owner == owner).Select(l => l.AgentId).ToListAsync(cancellationToken));
        }

        var unknown = ids.Where(id => !holders.ContainsKey(id)).ToList();
        if (unknown.Count > 0 && await TryInsertAsync(unknown, owner, until, cancellationToken))
        {
            claimed.UnionWith(unknown);
        }
        else
        {
            // Another process inserted some of them first: claim the others one by one.
            foreach (var agentId in unknown)
                if (await TryInsertAsync([agentId], owner, until, cancellationToken)) claimed.Add(agentId);
        }
        return ids.Where(claimed.Contains).ToList();
    }

    private async Task<bool> TryInsertAsync(IReadOnlyList<string> agentIds, string owner, DateTime until, CancellationToken cancellationToken)
    {
        var leases = agentIds.Select(id => new AgentLease { AgentId = id, Owner = owner, ExpiresAtUtc = until }).ToList();
        db.AgentLeases.AddRange(leases);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false; // another process inserted a claim first
        }
        finally
        {
            foreach (var lease in leases) db.Entry(lease).State = EntityState.Detached;
        }
    }

    /// <summary>
    /// Whether an owner's process was gone the first time this scan met its claims. A process that dies later,
    /// while this scan runs, keeps its claims until the next scan (or until they expire), as any claim held
    /// elsewhere does: the outcome does not depend on the instant at which this scan happens to look.
    /// </summary>
    private bool IsDeadWhenFirstSeen(string holder)
    {
        if (!deadWhenFirstSeen.TryGetValue(holder, out var dead)) deadWhenFirstSeen[holder] = dead = IsDeadLocalProcess(holder);
        return dead;
    }

    private readonly Dictionary<string, bool> deadWhenFirstSeen = new(StringComparer.Ordinal);

    /// <summary>Owners are `machine:pid:nonce`; on the same machine a vanished pid means a crashed scan.</summary>
    private static bool IsDeadLocalProcess(string holder)
    {
        var parts = holder.Split(':');
        if (parts.Length != 3 || parts[0] != Environment.MachineName || !int.TryParse(parts[1], out var pid)) return false;
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    /// <summary>Extends the claims this scan holds (long work on a batch).</summary>
    public Task RenewAsync(IReadOnlyList<string> agentIds, CancellationToken cancellationToken) => TryClaimAsync(agentIds, cancellationToken);

    public async Task ReleaseAsync(IReadOnlyList<string> agentIds)
    {
        if (agentIds.Count == 0) return;
        var expired = time.UtcNow().AddSeconds(-1);
        var owner = Owner;
        var ids = agentIds.ToList();
        await db.AgentLeases.Where(l => ids.Contains(l.AgentId) && l.Owner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAtUtc, expired), CancellationToken.None);
    }
}
