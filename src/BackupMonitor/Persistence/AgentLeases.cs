using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Persistence;

/// <summary>
/// Time-limited claims on agents (<see cref="Claims"/> on `agent_leases`), so that several BackupMonitor processes
/// sharing one database never process the same agent's reports (or decide its missing backups) at the same time.
/// Claims are taken for a whole batch of agents at once; an agent never claimed before gets its row inserted.
/// </summary>
public sealed class AgentLeases(Claims claims, BackupMonitorDbContext db)
{
    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(10);

    public string Owner => claims.Owner;

    /// <summary>
    /// Frees the claims of scans on this machine whose process is gone (killed mid-scan), so that this scan can
    /// finish their work now rather than after <see cref="Duration"/>. Done once, when the scan starts: a process
    /// that dies while this scan runs leaves its agents to the next scan, as any claim held elsewhere would, so
    /// the outcome never depends on the instant at which this scan happens to look.
    /// </summary>
    public Task FreeClaimsOfDeadProcessesAsync(CancellationToken cancellationToken) =>
        claims.FreeClaimsOfDeadProcessesAsync(Claims.Agents, cancellationToken);

    /// <summary>
    /// Claims as many of <paramref name="agentIds"/> as are free (new claim, renewal, or takeover of an expired
    /// claim): one UPDATE and one SELECT for the batch, plus one INSERT for agents never claimed before.
    /// Returns the claimed ones, in the given order.
    /// </summary>
    public async Task<IReadOnlyList<string>> TryClaimAsync(IReadOnlyList<string> agentIds, CancellationToken cancellationToken)
    {
        var until = claims.Now + Duration;
        await claims.TakeAsync(Claims.Agents, agentIds, until, renewOwn: true, cancellationToken);
        var holders = await claims.HoldersAsync(Claims.Agents, agentIds, cancellationToken);
        var claimed = holders.Where(h => h.Value == Owner).Select(h => h.Key).ToHashSet(StringComparer.Ordinal);

        var unknown = agentIds.Where(id => !holders.ContainsKey(id)).ToList();
        for (var attempt = 0; unknown.Count > 0 && attempt < 3; attempt++)
        {
            if (await TryInsertAsync(unknown, until, cancellationToken))
            {
                claimed.UnionWith(unknown);
                break;
            }
            // Another process inserted some of them first (they are its now): try again with the others.
            var inserted = await claims.HoldersAsync(Claims.Agents, unknown, cancellationToken);
            unknown = unknown.Where(id => !inserted.ContainsKey(id)).ToList();
        }
        return agentIds.Where(claimed.Contains).ToList();
    }

    /// <summary>Extends the claims this scan holds (long work on a batch).</summary>
    public Task RenewAsync(IReadOnlyList<string> agentIds, CancellationToken cancellationToken) => TryClaimAsync(agentIds, cancellationToken);

    public Task ReleaseAsync(IReadOnlyList<string> agentIds) => claims.ReleaseAsync(Claims.Agents, agentIds);

    private async Task<bool> TryInsertAsync(IReadOnlyList<string> agentIds, DateTime until, CancellationToken cancellationToken)
    {
        var leases = agentIds.Select(id => new AgentLease { AgentId = id, Owner = Owner, ExpiresAtUtc = until }).ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            await db.InsertAsync(leases, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (System.Data.Common.DbException)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return false; // another process inserted a claim first
        }
    }
}
