using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Persistence;

/// <summary>
/// Every statement restore drills run (SPEC §13), asked in the product's words: which jobs are due, a drill started
/// (claimed by this process, renewed while it runs) and finished, the DRILL_CONCURRENCY slots, and the drills left
/// behind by processes that stopped. Claims are <see cref="Claims"/>, the mechanism scans and deliveries use.
/// </summary>
public sealed class DrillStore(BackupMonitorDbContext db, Claims claims, Security.AuditTrail audit)
{
    /// <summary>How long a drill's (and a slot's) claim holds without renewal; renewed every third of it while the drill runs.</summary>
    public static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(3);

    internal static readonly ClaimTable<Drill> RunningDrills =
        new(nameof(Drill.Id), nameof(Drill.ClaimedBy), nameof(Drill.ClaimedUntilUtc), ClearsHolder: true, (nameof(Drill.Status), DrillStatus.Running));

    internal static readonly ClaimTable<DrillSlot> Slots =
        new(nameof(DrillSlot.Slot), nameof(DrillSlot.ClaimedBy), nameof(DrillSlot.ClaimedUntilUtc), ClearsHolder: true);

    public BackupMonitorDbContext Db => db;

    public DateTime Now => claims.Now;

    /// <summary>Active jobs with a validated backup: the latest one (by operation time) and when their last counted drill finished.</summary>
    public async Task<List<DrillCandidate>> CandidatesAsync(int? jobId, CancellationToken cancellationToken)
    {
        var rows = await db.Jobs.AsNoTracking().Where(j => j.IsActive && (jobId == null || j.Id == jobId))
            .Select(j => new
            {
                j.Id,
                Latest = db.Entries.Where(e => e.ExpectedJobId == j.Id && e.Status == BackupEntryStatus.Success && e.ValidatedPath != null)
                    .OrderByDescending(e => e.AgentReportTimestampUtc).ThenByDescending(e => e.Id).Select(e => (int?)e.Id).FirstOrDefault(),
                Last = db.Drills.Where(d => d.JobId == j.Id && d.Status != DrillStatus.Running && d.CountsTowardInterval)
                    .OrderByDescending(d => d.FinishedAtUtc).Select(d => d.FinishedAtUtc).FirstOrDefault(),
            })
            .Where(r => r.Latest != null).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        return rows.Select(r => new DrillCandidate(r.Id, r.Latest!.Value, r.Last)).ToList();
    }

    public Task<ExpectedBackupJob?> JobAsync(int jobId, CancellationToken cancellationToken) =>
        db.Jobs.FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);

    public Task<BackupEntry?> EntryAsync(int entryId, CancellationToken cancellationToken) =>
        db.Entries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId, cancellationToken);

    /// <summary>
    /// Records a `running` drill of <paramref name="entryId"/>, claimed by this process; null when a drill of that
    /// backup is already running (one running drill per backup, a unique index: two processes never drill it at once).
    /// </summary>
    /// <param name="requested">Asked for by someone (`drills run`, the API, the dashboard), not by `serve`'s schedule: audited as `drill.run` with the drill.</param>
    public async Task<Drill?> StartAsync(int jobId, int entryId, CancellationToken cancellationToken, bool requested = false)
    {
        var drill = new Drill
        {
            JobId = jobId, EntryId = entryId, StartedAtUtc = Now, Status = DrillStatus.Running,
            ClaimedBy = claims.Owner, ClaimedUntilUtc = Now + ClaimDuration,
        };
        db.Drills.Add(drill);
        AuditEvent? started = requested ? audit.Record("drill.run", $"job:{jobId}", new { entry_id = entryId }) : null;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return drill;
        }
        catch (DbUpdateException)
        {
            db.Entry(drill).State = EntityState.Detached;
            if (started is not null) db.Entry(started).State = EntityState.Detached;
            return null;
        }
    }

    /// <summary>Extends this process's claims on a running drill and its slot; false when the drill's claim was lost.</summary>
    public async Task<bool> RenewAsync(int drillId, int? slot, CancellationToken cancellationToken)
    {
        var until = Now + ClaimDuration;
        var held = await claims.TakeAsync(RunningDrills, [drillId], until, renewOwn: true, cancellationToken) == 1;
        if (slot is { } s) await claims.TakeAsync(Slots, [s], until, renewOwn: true, cancellationToken);
        return held;
    }

    /// <summary>
    /// Takes one of the <paramref name="concurrency"/> places for a scheduled drill (compare-and-set, shared by every
    /// process); null when all are held.
    /// </summary>
    public async Task<int?> TakeSlotAsync(int concurrency, CancellationToken cancellationToken)
    {
        for (var slot = 1; slot <= concurrency; slot++)
        {
            await using (var insert = db.Command())
            {
                insert.CommandText = $"INSERT INTO {db.Table<DrillSlot>()} ({db.Column<DrillSlot>(nameof(DrillSlot.Slot))}) VALUES ({slot}) ON CONFLICT DO NOTHING";
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            if (await claims.TakeAsync(Slots, [slot], Now + ClaimDuration, renewOwn: false, cancellationToken) == 1) return slot;
        }
        return null;
    }

    public Task ReleaseSlotAsync(int slot) => claims.ReleaseAsync(Slots, [slot]);

    /// <summary>Frees the drills and slots held by processes of this machine that no longer run (SPEC §13: expired at once).</summary>
    public async Task FreeClaimsOfDeadProcessesAsync(CancellationToken cancellationToken)
    {
        await claims.FreeClaimsOfDeadProcessesAsync(RunningDrills, cancellationToken);
        await claims.FreeClaimsOfDeadProcessesAsync(Slots, cancellationToken);
    }

    /// <summary>
    /// Running drills whose claim expired (their process stopped) become `failed`, "interrupted", counting for nothing:
    /// they say nothing about the backup, raise no notice, and the job is drilled again. Returns their ids.
    /// </summary>
    public async Task<IReadOnlyList<int>> CloseInterruptedAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        var ids = await db.Drills.AsNoTracking().Where(d => d.Status == DrillStatus.Running && (d.ClaimedUntilUtc == null || d.ClaimedUntilUtc < now))
            .Select(d => d.Id).ToListAsync(cancellationToken);
        if (ids.Count == 0) return ids;
        await db.Drills.Where(d => ids.Contains(d.Id) && d.Status == DrillStatus.Running && (d.ClaimedUntilUtc == null || d.ClaimedUntilUtc < now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DrillStatus.Failed).SetProperty(d => d.FinishedAtUtc, now)
                .SetProperty(d => d.Detail, "interrupted: the process running it stopped before it finished (not counted; the job is drilled again)")
                .SetProperty(d => d.CountsTowardInterval, false).SetProperty(d => d.ClaimedBy, (string?)null).SetProperty(d => d.ClaimedUntilUtc, (DateTime?)null),
                cancellationToken);
        return ids;
    }

    /// <summary>Of <paramref name="drillIds"/>, those whose leftovers may go: the drill finished, or its claim expired. Unknown ids are not ours.</summary>
    public async Task<IReadOnlyList<int>> LeftoversAmongAsync(IReadOnlyCollection<int> drillIds, CancellationToken cancellationToken)
    {
        if (drillIds.Count == 0) return [];
        var now = Now;
        return await db.Drills.AsNoTracking()
            .Where(d => drillIds.Contains(d.Id) && (d.Status != DrillStatus.Running || d.ClaimedUntilUtc == null || d.ClaimedUntilUtc < now))
            .Select(d => d.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The job's last passed or failed drill before <paramref name="drillId"/> (its status), and the rows of its last passed one.</summary>
    public async Task<(DrillStatus? PreviousDecisive, long? PreviousPassedRows)> HistoryBeforeAsync(int jobId, int drillId, CancellationToken cancellationToken)
    {
        var earlier = db.Drills.AsNoTracking().Where(d => d.JobId == jobId && d.Id != drillId && d.CountsTowardInterval && d.FinishedAtUtc != null)
            .OrderByDescending(d => d.FinishedAtUtc).ThenByDescending(d => d.Id);
        var decisive = await earlier.Where(d => d.Status == DrillStatus.Passed || d.Status == DrillStatus.Failed)
            .Select(d => (DrillStatus?)d.Status).FirstOrDefaultAsync(cancellationToken);
        var rows = await earlier.Where(d => d.Status == DrillStatus.Passed).Select(d => d.Rows).FirstOrDefaultAsync(cancellationToken);
        return (decisive, rows);
    }

    /// <summary>Writes how the drill ended and the job's last drill (a skip counts as one, an interruption does not). The caller saves, in its transaction.</summary>
    public void Finish(Drill drill, ExpectedBackupJob job, DrillStatus status, string? format, int? tables, long? rows, string? detail, bool counts, long durationMs)
    {
        var tracked = db.Drills.Local.FirstOrDefault(d => d.Id == drill.Id) ?? db.Drills.Attach(drill).Entity;
        tracked.Status = status;
        tracked.FinishedAtUtc = Now;
        tracked.DurationMs = durationMs;
        tracked.Format = format;
        tracked.Tables = tables;
        tracked.Rows = rows;
        tracked.Detail = detail;
        tracked.CountsTowardInterval = counts;
        tracked.ClaimedBy = null;
        tracked.ClaimedUntilUtc = null;
        job.LastDrillUtc = tracked.FinishedAtUtc;
        job.LastDrillStatus = status;
    }

    /// <summary>Newest first; a key limited to companies sees its jobs' drills only (filtered in SQL).</summary>
    public async Task<List<Drill>> ListAsync(int? jobId, DrillStatus? status, int limit, CancellationToken cancellationToken, Decisions.AccessCaller? caller = null) =>
        await Visible(caller).Where(d => (jobId == null || d.JobId == jobId) && (status == null || d.Status == status))
            .OrderByDescending(d => d.StartedAtUtc).ThenByDescending(d => d.Id).Take(limit).ToListAsync(cancellationToken);

    /// <summary>The drill, or null when it does not exist or belongs to a job outside the caller's companies.</summary>
    public Task<Drill?> FindAsync(int drillId, CancellationToken cancellationToken, Decisions.AccessCaller? caller = null) =>
        Visible(caller).FirstOrDefaultAsync(d => d.Id == drillId, cancellationToken);

    private IQueryable<Drill> Visible(Decisions.AccessCaller? caller)
    {
        var drills = db.Drills.AsNoTracking();
        if (caller is not { IsScoped: true }) return drills;
        var jobs = Security.AccessScope.VisibleTo(db.Jobs, caller).Select(j => j.Id);
        return drills.Where(d => jobs.Contains(d.JobId));
    }

    /// <summary>Whether a drill of this job's backups is running now (its claim held).</summary>
    public Task<bool> IsRunningAsync(int jobId, CancellationToken cancellationToken)
    {
        var now = Now;
        return db.Drills.AnyAsync(d => d.JobId == jobId && d.Status == DrillStatus.Running && d.ClaimedUntilUtc >= now, cancellationToken);
    }

    /// <summary>The overview's share (SPEC §13): active jobs with a counted drill finished since <paramref name="sinceUtc"/>, and active jobs.</summary>
    public async Task<(int Drilled, int Active)> DrilledSinceAsync(DateTime sinceUtc, CancellationToken cancellationToken, Decisions.AccessCaller? caller = null)
    {
        // Over the caller's jobs only (SPEC §11: a limited key's tiles count its jobs), in SQL.
        var jobs = Security.AccessScope.VisibleTo(db.Jobs, caller);
        var active = await jobs.CountAsync(j => j.IsActive, cancellationToken);
        var drilled = await jobs.CountAsync(j => j.IsActive
            && db.Drills.Any(d => d.JobId == j.Id && d.CountsTowardInterval && d.Status != DrillStatus.Running && d.FinishedAtUtc >= sinceUtc), cancellationToken);
        return (drilled, active);
    }

    /// <summary>
    /// The newest backup of the job with a passed drill (its entry id), or null: retention never prunes it (SPEC §14,
    /// rule `drilled`). For many jobs at once, <see cref="LastPassedDrillEntriesAsync"/>.
    /// </summary>
    public async Task<int?> LastPassedDrillEntryIdAsync(int jobId, CancellationToken cancellationToken) =>
        (await LastPassedDrillEntriesAsync([jobId], cancellationToken)).TryGetValue(jobId, out var entryId) ? entryId : null;

    /// <summary>Per job, the entry id of its newest backup (by operation time) that passed a drill.</summary>
    public async Task<Dictionary<int, int>> LastPassedDrillEntriesAsync(IReadOnlyCollection<int> jobIds, CancellationToken cancellationToken)
    {
        var rows = await (from d in db.Drills.AsNoTracking()
                          join e in db.Entries.AsNoTracking() on d.EntryId equals e.Id
                          where jobIds.Contains(d.JobId) && d.Status == DrillStatus.Passed
                          select new { d.JobId, d.EntryId, e.AgentReportTimestampUtc }).ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.JobId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.AgentReportTimestampUtc).ThenByDescending(r => r.EntryId).First().EntryId);
    }
}
