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
public sealed class AgentLeases(BackupMonitorDbContext db, ClaimOwner claimOwner, TimeProvider time)
{
    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(10);

    public string Owner { get; } = claimOwner.Name;

    /// <summary>
    /// Frees the claims of scans on this machine whose process is gone (killed mid-scan), so that this scan can
    /// finish their work now rather than after <see cref="Duration"/>. Done once, when the scan starts: a process
    /// that dies while this scan runs leaves its agents to the next scan, as any claim held elsewhere would, so
    /// the outcome never depends on the instant at which this scan happens to look.
    /// </summary>
    public async Task FreeClaimsOfDeadProcessesAsync(CancellationToken cancellationToken)
    {
        var now = time.UtcNow();
        var holders = new List<string>();
        await using (var select = db.Command())
        {
            select.CommandText = $"SELECT DISTINCT {OwnerColumn} FROM {Table} " +
                $"WHERE {ExpiresColumn} >= {Expires(select, "@now", now)} AND {OwnerColumn} <> {OwnerValue(select, "@owner", Owner)}";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) holders.Add(reader.GetString(0));
        }
        var dead = holders.Where(ClaimOwner.IsDeadLocalProcess).ToList();
        if (dead.Count == 0) return;
        await using var update = db.Command();
        update.CommandText = $"UPDATE {Table} SET {ExpiresColumn} = {Expires(update, "@expired", now.AddSeconds(-1))} WHERE {update.In(db, OwnerColumn, "@dead", dead)}";
        await update.ExecuteNonQueryAsync(cancellationToken);
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
        await using (var update = db.Command())
        {
            update.CommandText = $"UPDATE {Table} SET {OwnerColumn} = {OwnerValue(update, "@owner", Owner)}, {ExpiresColumn} = {Expires(update, "@until", until)} " +
                $"WHERE {update.In(db, AgentColumn, "@agents", agentIds)} AND ({OwnerColumn} = @owner OR {ExpiresColumn} < {Expires(update, "@now", now)})";
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        var holders = await HoldersAsync(agentIds, cancellationToken);
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
            var inserted = await HoldersAsync(unknown, cancellationToken);
            unknown = unknown.Where(id => !inserted.ContainsKey(id)).ToList();
        }
        return agentIds.Where(claimed.Contains).ToList();
    }

    private async Task<Dictionary<string, string>> HoldersAsync(IReadOnlyCollection<string> agentIds, CancellationToken cancellationToken)
    {
        await using var select = db.Command();
        select.CommandText = $"SELECT {AgentColumn}, {OwnerColumn} FROM {Table} WHERE {select.In(db, AgentColumn, "@agents", agentIds)}";
        var holders = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) holders[reader.GetString(0)] = reader.GetString(1);
        return holders;
    }

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

    private string Table => db.Table<AgentLease>();
    private string AgentColumn => db.Column<AgentLease>(nameof(AgentLease.AgentId));
    private string OwnerColumn => db.Column<AgentLease>(nameof(AgentLease.Owner));
    private string ExpiresColumn => db.Column<AgentLease>(nameof(AgentLease.ExpiresAtUtc));
    private string Expires(System.Data.Common.DbCommand command, string name, DateTime value) => command.Parameter<AgentLease>(db, name, nameof(AgentLease.ExpiresAtUtc), value);
    private string OwnerValue(System.Data.Common.DbCommand command, string name, string value) => command.Parameter<AgentLease>(db, name, nameof(AgentLease.Owner), value);

    /// <summary>Extends the claims this scan holds (long work on a batch).</summary>
    public Task RenewAsync(IReadOnlyList<string> agentIds, CancellationToken cancellationToken) => TryClaimAsync(agentIds, cancellationToken);

    public async Task ReleaseAsync(IReadOnlyList<string> agentIds)
    {
        if (agentIds.Count == 0) return;
        await using var update = db.Command();
        update.CommandText = $"UPDATE {Table} SET {ExpiresColumn} = {Expires(update, "@expired", time.UtcNow().AddSeconds(-1))} " +
            $"WHERE {update.In(db, AgentColumn, "@agents", agentIds)} AND {OwnerColumn} = {OwnerValue(update, "@owner", Owner)}";
        await update.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
