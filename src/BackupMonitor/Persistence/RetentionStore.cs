using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Persistence;

/// <summary>A validated backup as retention reads it (SPEC §14): a `success` entry with a validated file, not pruned.</summary>
public sealed record StoredBackup(int EntryId, int JobId, DateTime OperationUtc, DateTime CreatedAtUtc, DateTime? HeldAtUtc, string ValidatedPath, long? SizeBytes, string? Sha256);

/// <summary>An entry whose file is in the trash, or on its way there or back (marked, not purged).</summary>
public sealed record TrashedBackup(int EntryId, int JobId, string ValidatedPath, string TrashPath, DateTime PrunedAtUtc, DateTime? HeldAtUtc, string? Sha256, long? SizeBytes);

/// <summary>Bytes held by validated storage and by the trash, from the sizes the scan measured.</summary>
public sealed record StorageSpace(long ValidatedBytes, int ValidatedFiles, long TrashBytes, int TrashFiles);

/// <summary>
/// Every statement retention runs (SPEC §14), asked in its words: the jobs and their backups, the policies, the
/// claims per job, marking, finishing, purging and restoring. The order of the writes is the applier's
/// (<see cref="Retention.RetentionApplier"/>); each method here is one step. Each change is audited (SPEC §11) in its
/// own transaction: `retention.set|unset` (job or company), `retention.prune` (per job), `retention.purge` and
/// `retention.restore` (per entry).
/// </summary>
public sealed class RetentionStore(BackupMonitorDbContext db, Claims claims, Security.AuditTrail audit)
{
    internal static readonly ClaimTable<ExpectedBackupJob> JobClaims =
        new(nameof(ExpectedBackupJob.Id), nameof(ExpectedBackupJob.RetentionClaimedBy), nameof(ExpectedBackupJob.RetentionClaimedUntilUtc), ClearsHolder: true);

    internal static readonly ClaimTable<RetentionRun> RunClaims =
        new(nameof(RetentionRun.Name), nameof(RetentionRun.ClaimedBy), nameof(RetentionRun.ClaimedUntilUtc), ClearsHolder: true);

    public static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(10);

    // ---- reading ----

    /// <summary>A page of jobs (id order, after <paramref name="afterId"/>), optionally one job or one company's.</summary>
    public Task<List<ExpectedBackupJob>> JobsAsync(int? jobId, string? company, int afterId, int limit, CancellationToken cancellationToken,
        Decisions.AccessCaller? caller = null)
    {
        // A key limited to companies plans its jobs only, filtered in SQL (SPEC §11).
        var query = Security.AccessScope.VisibleTo(db.Jobs.AsNoTracking(), caller).Where(j => j.Id > afterId);
        if (jobId is not null) query = query.Where(j => j.Id == jobId);
        if (company is not null) query = query.Where(j => j.CompanyName == company);
        return query.OrderBy(j => j.Id).Take(limit).ToListAsync(cancellationToken);
    }

    public Task<int> JobCountAsync(CancellationToken cancellationToken) => db.Jobs.CountAsync(cancellationToken);

    public Task<Dictionary<string, string>> CompanyPoliciesAsync(CancellationToken cancellationToken) =>
        db.CompanyRetentions.AsNoTracking().ToDictionaryAsync(c => c.CompanyName, c => c.Policy, StringComparer.Ordinal, cancellationToken);

    /// <summary>The windows in force: a removed window is kept for the compliance reports' history only.</summary>
    public Task<List<MaintenanceWindow>> MaintenanceWindowsAsync(CancellationToken cancellationToken) =>
        db.MaintenanceWindows.AsNoTracking().Where(w => w.RemovedAtUtc == null).OrderBy(w => w.Id).ToListAsync(cancellationToken);

    /// <summary>The validated backups of these jobs (SPEC §14: `success`, a validated file, not pruned).</summary>
    public async Task<ILookup<int, StoredBackup>> BackupsAsync(IReadOnlyCollection<int> jobIds, CancellationToken cancellationToken)
    {
        var rows = await db.Entries.AsNoTracking()
            .Where(e => jobIds.Contains(e.ExpectedJobId) && e.Status == BackupEntryStatus.Success && e.ValidatedPath != null && e.PrunedAtUtc == null)
            .Select(e => new StoredBackup(e.Id, e.ExpectedJobId, e.AgentReportTimestampUtc ?? e.CreatedAtUtc, e.CreatedAtUtc, e.HeldAtUtc, e.ValidatedPath!,
                e.ServerCalculatedStagedSize, e.ServerCalculatedStagedHash))
            .ToListAsync(cancellationToken);
        return rows.ToLookup(r => r.JobId);
    }

    /// <summary>Job id → its newest backup (by operation time) with a passed restore drill (SPEC §13), for these jobs.</summary>
    public async Task<IReadOnlyDictionary<int, int>> NewestPassedDrillsAsync(IReadOnlyCollection<int> jobIds, CancellationToken cancellationToken)
    {
        var passed = await db.Drills.AsNoTracking()
            .Where(d => jobIds.Contains(d.JobId) && d.Status == DrillStatus.Passed)
            .Join(db.Entries, d => d.EntryId, e => e.Id, (d, e) => new { d.JobId, d.EntryId, At = e.AgentReportTimestampUtc ?? e.CreatedAtUtc })
            .ToListAsync(cancellationToken);
        return passed.GroupBy(p => p.JobId).ToDictionary(g => g.Key, g => g.MaxBy(p => (p.At, p.EntryId))!.EntryId);
    }

    /// <summary>Entries of these jobs whose file is in the trash or on its way (marked, not purged).</summary>
    public Task<List<TrashedBackup>> InTrashAsync(IReadOnlyCollection<int> jobIds, CancellationToken cancellationToken) =>
        db.Entries.AsNoTracking()
            .Where(e => e.PrunedAtUtc != null && e.PurgedAtUtc == null && jobIds.Contains(e.ExpectedJobId))
            .OrderBy(e => e.Id)
            .Select(e => new TrashedBackup(e.Id, e.ExpectedJobId, e.ValidatedPath!, e.TrashPath!, e.PrunedAtUtc!.Value, e.HeldAtUtc, e.ServerCalculatedStagedHash, e.ServerCalculatedStagedSize))
            .ToListAsync(cancellationToken);

    public Task<BackupEntry?> EntryAsync(int entryId, CancellationToken cancellationToken) =>
        db.Entries.AsNoTracking().SingleOrDefaultAsync(e => e.Id == entryId, cancellationToken);

    /// <summary>What validated storage and the trash hold, for one job or all (all the caller's, for a key limited to companies).</summary>
    public async Task<StorageSpace> SpaceAsync(int? jobId, CancellationToken cancellationToken, Decisions.AccessCaller? caller = null)
    {
        var entries = Security.AccessScope.VisibleTo(db.Entries.AsNoTracking(), db.Jobs, caller).Where(e => e.ValidatedPath != null && e.PurgedAtUtc == null);
        if (jobId is not null) entries = entries.Where(e => e.ExpectedJobId == jobId);
        var sums = await entries
            .GroupBy(e => e.PrunedAtUtc != null && e.HeldAtUtc == null)
            .Select(g => new { InTrash = g.Key, Bytes = g.Sum(e => e.ServerCalculatedStagedSize ?? 0), Files = g.Count() })
            .ToListAsync(cancellationToken);
        var validated = sums.FirstOrDefault(s => !s.InTrash);
        var trash = sums.FirstOrDefault(s => s.InTrash);
        return new StorageSpace(validated?.Bytes ?? 0, validated?.Files ?? 0, trash?.Bytes ?? 0, trash?.Files ?? 0);
    }

    // ---- claims ----

    /// <summary>Claims as many of these jobs as no other process is applying retention to; returns the claimed ones.</summary>
    public async Task<HashSet<int>> ClaimJobsAsync(IReadOnlyCollection<int> jobIds, CancellationToken cancellationToken)
    {
        await claims.FreeClaimsOfDeadProcessesAsync(JobClaims, cancellationToken);
        await claims.TakeAsync(JobClaims, jobIds, claims.Now + ClaimDuration, renewOwn: true, cancellationToken);
        var holders = await claims.HoldersAsync(JobClaims, jobIds, cancellationToken);
        return holders.Where(h => h.Value == claims.Owner).Select(h => h.Key).ToHashSet();
    }

    public Task ReleaseJobsAsync(IReadOnlyCollection<int> jobIds) => claims.ReleaseAsync(JobClaims, jobIds);

    /// <summary>Claims the day's run of `serve` when it has not completed today (UTC) and no other process runs it.</summary>
    public async Task<bool> ClaimDailyRunAsync(DateTime todayUtc, CancellationToken cancellationToken)
    {
        string[] key = [RetentionRun.DailyName];
        var run = await db.RetentionRuns.AsNoTracking().SingleAsync(r => r.Name == RetentionRun.DailyName, cancellationToken);
        if (run.LastCompletedDayUtc >= todayUtc) return false;
        await claims.FreeClaimsOfDeadProcessesAsync(RunClaims, cancellationToken);
        await claims.TakeAsync(RunClaims, key, claims.Now + TimeSpan.FromHours(6), renewOwn: false, cancellationToken);
        var holders = await claims.HoldersAsync(RunClaims, key, cancellationToken);
        return holders.GetValueOrDefault(RetentionRun.DailyName) == claims.Owner;
    }

    public async Task CompleteDailyRunAsync(DateTime todayUtc, CancellationToken cancellationToken)
    {
        await db.RetentionRuns.Where(r => r.Name == RetentionRun.DailyName)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.LastCompletedDayUtc, todayUtc), cancellationToken);
        await claims.ReleaseAsync(RunClaims, [RetentionRun.DailyName]);
    }

    public Task ReleaseDailyRunAsync() => claims.ReleaseAsync(RunClaims, [RetentionRun.DailyName]);

    // ---- writing, one step each ----

    /// <summary>
    /// Step 1 of a prune: the entries are marked (pruned_at_utc, trash_path) in one transaction, before any file moves,
    /// with one `retention.prune` audit event per job naming the entries marked (and the run's own limit when
    /// `--max-prune-percent` overrode it).
    /// </summary>
    public async Task MarkPrunedAsync(IReadOnlyList<(int EntryId, int JobId, string TrashPath)> marks, DateTime nowUtc, int? maxPrunePercent,
        CancellationToken cancellationToken)
    {
        if (marks.Count == 0) return;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var marked = new List<(int EntryId, int JobId)>();
        foreach (var (entryId, jobId, trashPath) in marks)
            if (await db.Entries.Where(e => e.Id == entryId && e.PrunedAtUtc == null && e.HeldAtUtc == null)
                    .ExecuteUpdateAsync(set => set.SetProperty(e => e.PrunedAtUtc, nowUtc).SetProperty(e => e.TrashPath, trashPath), cancellationToken) > 0)
                marked.Add((entryId, jobId));
        foreach (var job in marked.GroupBy(m => m.JobId))
            audit.Record("retention.prune", $"job:{job.Key}", new { entries = job.Select(m => m.EntryId).ToList(), max_prune_percent = maxPrunePercent });
        await SaveAndForgetAuditAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The trashed file was deleted (or found gone): the entry records when; it stays as history.</summary>
    public Task MarkPurgedAsync(int entryId, DateTime nowUtc, CancellationToken cancellationToken) =>
        AuditedAsync(
            () => db.Entries.Where(e => e.Id == entryId && e.PurgedAtUtc == null).ExecuteUpdateAsync(set => set.SetProperty(e => e.PurgedAtUtc, nowUtc), cancellationToken),
            () => audit.Record("retention.purge", $"entry:{entryId}", new { purged_at_utc = nowUtc }), cancellationToken);

    /// <summary>Step 1 of a restore: the entry is held (never pruned again) and names where the file goes back, before it moves.</summary>
    public Task<int> MarkRestoringAsync(int entryId, string validatedPath, DateTime nowUtc, CancellationToken cancellationToken) =>
        AuditedAsync(
            () => db.Entries.Where(e => e.Id == entryId && e.PrunedAtUtc != null && e.PurgedAtUtc == null)
                .ExecuteUpdateAsync(set => set.SetProperty(e => e.HeldAtUtc, nowUtc).SetProperty(e => e.ValidatedPath, validatedPath), cancellationToken),
            () => audit.Record("retention.restore", $"entry:{entryId}", new { held_at_utc = nowUtc, validated_path = validatedPath }), cancellationToken);

    /// <summary>Last step of a restore: the file is back in validated storage.</summary>
    public Task MarkRestoredAsync(int entryId, CancellationToken cancellationToken) =>
        db.Entries.Where(e => e.Id == entryId && e.HeldAtUtc != null)
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.PrunedAtUtc, (DateTime?)null).SetProperty(e => e.TrashPath, (string?)null), cancellationToken);

    /// <summary>
    /// Saves, then stops tracking the audit events just written: an apply purges and marks thousands of entries through
    /// one scoped context, and every event left tracked made each later save walk them all (the purge grew from 7 to
    /// over 12 ms a file within 9,000 files; bench/README, issue 26).
    /// </summary>
    private async Task SaveAndForgetAuditAsync(CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        foreach (var saved in db.ChangeTracker.Entries<AuditEvent>().ToList()) saved.State = EntityState.Detached;
    }

    /// <summary>A change and its audit event in one transaction; the event only when the change changed a row.</summary>
    private async Task<int> AuditedAsync(Func<Task<int>> change, Action record, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var rows = await change();
        if (rows > 0)
        {
            record();
            await SaveAndForgetAuditAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    // ---- policies ----

    /// <summary>Sets (or with null removes) a job's own policy, audited; false when no such job.</summary>
    public async Task<bool> SetJobPolicyAsync(int jobId, string? policy, CancellationToken cancellationToken) =>
        await AuditedAsync(
            () => db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(set => set.SetProperty(j => j.Retention, policy), cancellationToken),
            () => audit.Record(policy is null ? "retention.unset" : "retention.set", $"job:{jobId}", new { retention = policy }), cancellationToken) > 0;

    public Task<bool> CompanyExistsAsync(string company, CancellationToken cancellationToken) =>
        db.Jobs.AnyAsync(j => j.CompanyName == company, cancellationToken);

    /// <summary>Sets a company's policy (inserted or replaced), audited.</summary>
    public async Task SetCompanyPolicyAsync(string company, string policy, DateTime nowUtc, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.CompanyRetentions.Where(c => c.CompanyName == company)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.Policy, policy).SetProperty(c => c.UpdatedAtUtc, nowUtc), cancellationToken);
        if (updated == 0) db.CompanyRetentions.Add(new CompanyRetention { CompanyName = company, Policy = policy, UpdatedAtUtc = nowUtc });
        audit.Record("retention.set", $"company:{company}", new { retention = policy });
        await SaveAndForgetAuditAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Removes a company's policy, audited; false when it had none.</summary>
    public async Task<bool> RemoveCompanyPolicyAsync(string company, CancellationToken cancellationToken) =>
        await AuditedAsync(
            () => db.CompanyRetentions.Where(c => c.CompanyName == company).ExecuteDeleteAsync(cancellationToken),
            () => audit.Record("retention.unset", $"company:{company}", new { retention = (string?)null }), cancellationToken) > 0;

    public Task<string?> CompanyPolicyAsync(string company, CancellationToken cancellationToken) =>
        db.CompanyRetentions.AsNoTracking().Where(c => c.CompanyName == company).Select(c => c.Policy).SingleOrDefaultAsync(cancellationToken);
}
