using System.Data.Common;
using BackupMonitor.Domain;

namespace BackupMonitor.Persistence;

/// <summary>
/// This process's identity on every claim it takes in the shared database (agent leases, outbox deliveries):
/// `machine:pid:nonce`. One identity per process, so a claim left by a process that died can be recognised and
/// taken over at once on the same machine, whatever kind of claim it was.
/// </summary>
public sealed class ClaimOwner
{
    public string Name { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public override string ToString() => Name;

    /// <summary>True when <paramref name="holder"/> names a process of this machine that no longer runs.</summary>
    public static bool IsDeadLocalProcess(string holder)
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
}

/// <summary>
/// Where one kind of claim lives: the row's key, who holds it and until when. <paramref name="Scope"/> limits the
/// claimable rows (a delivery only while pending); <paramref name="ClearsHolder"/> says how a claim is given back:
/// holder and expiry set to NULL (nullable columns), else the expiry moved just into the past.
/// </summary>
internal sealed record ClaimTable<T>(string Key, string Holder, string Until, bool ClearsHolder, (string Property, object Value)? Scope = null);

/// <summary>
/// The one claim mechanism of processes sharing a database, so that each piece of shared work (an agent's reports,
/// a delivery) is done by one process at a time. The rules, the same for every kind:
/// <list type="bullet">
/// <item>A claim is a holder (<see cref="ClaimOwner"/>) and an expiry; it holds while the expiry is at or after now,
/// and is free once it has passed (or when there is none).</item>
/// <item>Taking is a compare-and-set UPDATE (holder and expiry set only where the claim is free), atomic on SQLite
/// and PostgreSQL alike; what it took is read back by holder.</item>
/// <item>Giving back is an UPDATE restricted to this holder: a claim taken over meanwhile is never touched.</item>
/// <item>A process that dies leaves its claims to expire; on the same machine the next process to look frees them
/// at once (<see cref="FreeClaimsOfDeadProcessesAsync{T}"/>).</item>
/// </list>
/// <see cref="AgentLeases"/> and <see cref="DeliveryClaims"/> are this mechanism on their tables, with their own rules
/// on top (agents never claimed before are inserted; a digest marks its claims with its own expiry).
/// </summary>
public sealed class Claims(BackupMonitorDbContext db, ClaimOwner owner, TimeProvider time)
{
    internal static readonly ClaimTable<AgentLease> Agents =
        new(nameof(AgentLease.AgentId), nameof(AgentLease.Owner), nameof(AgentLease.ExpiresAtUtc), ClearsHolder: false);

    internal static readonly ClaimTable<Delivery> Deliveries =
        new(nameof(Delivery.Id), nameof(Delivery.ClaimedBy), nameof(Delivery.ClaimedUntilUtc), ClearsHolder: true, (nameof(Delivery.State), DeliveryState.Pending));

    public string Owner => owner.Name;

    public DateTime Now => time.UtcNow();

    /// <summary>
    /// Frees the claims of processes of this machine that have died (killed mid-scan or mid-send), so that their work
    /// is done now rather than when their claims expire. Claims held on other machines are left to expire.
    /// </summary>
    internal async Task FreeClaimsOfDeadProcessesAsync<T>(ClaimTable<T> table, CancellationToken cancellationToken)
    {
        var holders = new List<string>();
        await using (var select = db.Command())
        {
            select.CommandText = $"SELECT DISTINCT {Column<T>(table.Holder)} FROM {Table<T>()} WHERE {InScope(select, table)}" +
                $"{Column<T>(table.Holder)} IS NOT NULL AND {Column<T>(table.Holder)} <> {Value<T>(select, table.Holder, "@owner", Owner)} " +
                $"AND {Column<T>(table.Until)} >= {Value<T>(select, table.Until, "@now", Now)}";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) holders.Add(reader.GetString(0));
        }
        var dead = holders.Where(ClaimOwner.IsDeadLocalProcess).ToList();
        if (dead.Count == 0) return;
        await using var update = db.Command();
        update.CommandText = $"UPDATE {Table<T>()} SET {Freed(update, table)} WHERE {InScope(update, table)}{update.In(db, Column<T>(table.Holder), "@dead", dead)}";
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The compare-and-set: this process holds each of <paramref name="keys"/> whose claim is free until
    /// <paramref name="until"/>; with <paramref name="renewOwn"/>, also those it holds already (a renewal).
    /// Returns how many rows it updated; which ones are held is read with <see cref="HoldersAsync{T, TKey}"/>.
    /// </summary>
    internal async Task<int> TakeAsync<T, TKey>(ClaimTable<T> table, IReadOnlyCollection<TKey> keys, DateTime until, bool renewOwn, CancellationToken cancellationToken)
    {
        await using var update = db.Command();
        var holder = Column<T>(table.Holder);
        var expiry = Column<T>(table.Until);
        update.CommandText = $"UPDATE {Table<T>()} SET {holder} = {Value<T>(update, table.Holder, "@owner", Owner)}, {expiry} = {Value<T>(update, table.Until, "@until", until)} " +
            $"WHERE {update.In(db, Column<T>(table.Key), "@keys", keys)} AND {InScope(update, table)}" +
            $"({expiry} IS NULL OR {expiry} < {Value<T>(update, table.Until, "@now", Now)}{(renewOwn ? $" OR {holder} = @owner" : "")})";
        return await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Who holds each of <paramref name="keys"/> that has a row (in scope, with a holder); with
    /// <paramref name="until"/>, only the claims expiring exactly then (the ones one pass took).
    /// </summary>
    internal async Task<Dictionary<TKey, string>> HoldersAsync<T, TKey>(ClaimTable<T> table, IReadOnlyCollection<TKey> keys, CancellationToken cancellationToken,
        DateTime? until = null) where TKey : notnull
    {
        await using var select = db.Command();
        select.CommandText = $"SELECT {Column<T>(table.Key)}, {Column<T>(table.Holder)} FROM {Table<T>()} " +
            $"WHERE {select.In(db, Column<T>(table.Key), "@keys", keys)} AND {InScope(select, table)}{Column<T>(table.Holder)} IS NOT NULL" +
            (until is { } exactly ? $" AND {Column<T>(table.Until)} = {Value<T>(select, table.Until, "@until", exactly)}" : "");
        var holders = new Dictionary<TKey, string>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) holders[reader.Read<T, TKey>(db, 0, table.Key)!] = reader.GetString(1);
        return holders;
    }

    /// <summary>
    /// Gives back the claims this process holds on <paramref name="keys"/>, setting <paramref name="also"/> on the same
    /// rows (a delivery's error and next attempt). Never cancelled: a claim taken is always given back.
    /// </summary>
    internal async Task ReleaseAsync<T, TKey>(ClaimTable<T> table, IReadOnlyCollection<TKey> keys, params (string Property, object? Value)[] also)
    {
        if (keys.Count == 0) return;
        await using var update = db.Command();
        var sets = string.Concat(also.Select((a, i) => $", {Column<T>(a.Property)} = {Value<T>(update, a.Property, $"@also{i}", a.Value)}"));
        update.CommandText = $"UPDATE {Table<T>()} SET {Freed(update, table)}{sets} " +
            $"WHERE {update.In(db, Column<T>(table.Key), "@keys", keys)} AND {Column<T>(table.Holder)} = {Value<T>(update, table.Holder, "@owner", Owner)}";
        await update.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>A claim given back: no holder and no expiry, or (a holder column that cannot be empty) expired a second ago.</summary>
    private string Freed<T>(DbCommand command, ClaimTable<T> table) => table.ClearsHolder
        ? $"{Column<T>(table.Holder)} = NULL, {Column<T>(table.Until)} = NULL"
        : $"{Column<T>(table.Until)} = {Value<T>(command, table.Until, "@expired", Now.AddSeconds(-1))}";

    /// <summary>`scope = value AND ` for a table whose rows are claimable only in one state, else nothing.</summary>
    private string InScope<T>(DbCommand command, ClaimTable<T> table) =>
        table.Scope is (var property, var value) ? $"{Column<T>(property)} = {Value<T>(command, property, "@scope", value)} AND " : "";

    private string Table<T>() => db.Table<T>();

    private string Column<T>(string property) => db.Column<T>(property);

    /// <summary>A parameter holding <paramref name="value"/> as the column of <paramref name="property"/> stores it (EF's conversions).</summary>
    private string Value<T>(DbCommand command, string property, string name, object? value) => command.Parameter<T>(db, name, property, value);
}
