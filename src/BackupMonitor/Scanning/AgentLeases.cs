using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Scanning;

/// <summary>
/// Time-limited claims on agents, so that several BackupMonitor processes sharing one database never process
/// the same agent's reports (or decide its missing backups) at the same time. A claim is a compare-and-set
/// UPDATE on `agent_leases`, atomic on SQLite and PostgreSQL alike; a crashed process's claims expire.
/// </summary>
public sealed class AgentLeases(BackupMonitorDbContext db, TimeProvider time)
{
    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(10);

    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>True when this scan now holds the agent (new claim, renewal, or takeover of an expired claim).</summary>
    public async Task<bool> TryClaimAsync(string agentId, CancellationToken cancellationToken)
    {
        var now = time.UtcNow();
        var until = now + Duration;
        var owner = Owner;
        var updated = await db.AgentLeases
            .Where(l => l.AgentId == agentId && (l.Owner == owner || l.ExpiresAtUtc < now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, owner).SetProperty(l => l.ExpiresAtUtc, until), cancellationToken);
        if (updated == 1) return true;
        var holder = await db.AgentLeases.AsNoTracking().Where(l => l.AgentId == agentId).Select(l => l.Owner).FirstOrDefaultAsync(cancellationToken);
        if (holder is not null)
        {
            if (!IsDeadLocalProcess(holder)) return false;
            // The holder was a process on this machine that no longer runs: take its claim over now.
            return await db.AgentLeases.Where(l => l.AgentId == agentId && l.Owner == holder)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, owner).SetProperty(l => l.ExpiresAtUtc, until), cancellationToken) == 1;
        }

        var lease = new AgentLease { AgentId = agentId, Owner = owner, ExpiresAtUtc = until };
        db.AgentLeases.Add(lease);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false; // another process inserted the claim first
        }
        finally
        {
            db.Entry(lease).State = EntityState.Detached;
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

    /// <summary>Extends a claim this scan holds (long work on one agent).</summary>
    public Task RenewAsync(string agentId, CancellationToken cancellationToken) => TryClaimAsync(agentId, cancellationToken);

    public async Task ReleaseAsync(string agentId)
    {
        var expired = time.UtcNow().AddSeconds(-1);
        var owner = Owner;
        await db.AgentLeases.Where(l => l.AgentId == agentId && l.Owner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAtUtc, expired), CancellationToken.None);
    }
}
