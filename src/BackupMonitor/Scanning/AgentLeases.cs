using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Scanning;

/// <summary>
/// Time-limited claims on agents, so that several BackupMonitor processes sharing one database never process
/// the same agent's reports (or decide its missing backups) at the same time. A claim is a compare-and-set
/// UPDATE on `agent_leases`, atomic on SQLite and PostgreSQL alike, made for a whole batch of agents at once;
/// a crashed process's claims expire, and on this machine the next scan to start frees them at once.
/// </summary>
public sealed class AgentLeases(BackupMonitorDbContext db, TimeProvider time)
{
    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(10);

    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>
    /// Frees the claims of scans on this machine whose process is gone (killed mid-scan), so that this scan can
    /// finish their work now rather than after <see cref="Duration"/>. Done once, when the scan starts: a process
    /// that dies while this scan runs leaves its agents to the next scan, as any claim held elsewhere would, so
    /// the outcome never depends on the instant at which this scan happens to look.
    /// </summary>
    public async Task FreeClaimsOfDeadProcessesAsync(CancellationToken cancellationToken)
    {
        var now = time.UtcNow();
        var owner = Owner;
        var holders = await db.AgentLeases.AsNoTracking()
            .Where(l => l.ExpiresAtUtc >= now && l.Owner != owner)
            .Select(l => l.Owner).Distinct().ToListAsync(cancellationToken);
        var dead = holders.Where(IsDeadLocalProcess).ToList();
        if (dead.Count == 0) return;
        var expired = now.AddSeconds(-1);
        await db.AgentLeases.Where(l => dead.Contains(l.Owner))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAtUtc, expired), cancellationToken);
    }

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

        var unknown = ids.Where(id => !holders.ContainsKey(id)).ToList();
        for (var attempt = 0; unknown.Count > 0 && attempt < 3; attempt++)
        {
            if (await TryInsertAsync(unknown, owner, until, cancellationToken))
            {
                claimed.UnionWith(unknown);
                break;
            }
            // Another process inserted some of them first (they are its now): try again with the others.
            var inserted = await db.AgentLeases.AsNoTracking().Where(l => unknown.Contains(l.AgentId)).Select(l => l.AgentId).ToListAsync(cancellationToken);
            unknown = unknown.Except(inserted).ToList();
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
