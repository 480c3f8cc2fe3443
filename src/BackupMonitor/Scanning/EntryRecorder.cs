using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Scanning;

/// <summary>
/// Saves entries with their jobs' new state and whatever the notifier adds, in one transaction: one entry
/// (<see cref="RecordAsync"/>) or a whole batch of agents' entries (<see cref="Stage"/> then <see cref="CommitStagedAsync"/>).
/// A job's status follows its newest entry: a late line for an older cycle is history only.
/// </summary>
public sealed class EntryRecorder(BackupMonitorDbContext db, IEntryNotifier notifier, ContentOptions content, TimeProvider time)
{
    /// <summary>What a scan changes in a job; the rest (name, schedule, active) belongs to the users.</summary>
    private static readonly string[] ScanOwnedJobColumns =
    [
        nameof(ExpectedBackupJob.CurrentStatus), nameof(ExpectedBackupJob.LastCheckedAtUtc),
        nameof(ExpectedBackupJob.LastSuccessfulBackupUtc), nameof(ExpectedBackupJob.LastFailedBackupUtc),
    ];

    private readonly Dictionary<int, DateTime> latestEffective = [];
    private readonly List<Staged> staged = [];
    /// <summary>Each loaded job's latest successful sizes, newest first (SPEC §5.1 size drop).</summary>
    private readonly Dictionary<int, List<long>> recentSizes = [];
    private readonly HashSet<BackupEntry> sizeDropped = new(ReferenceEqualityComparer.Instance);

    private sealed record Staged(ExpectedBackupJob Job, BackupEntry Entry, string? RemoveAfterCommit);

    /// <summary>Test seam: runs after files were moved and before the entry commits (a crash here must lose nothing).</summary>
    internal Action<BackupEntry>? BeforeCommit { get; set; }

    /// <summary>Test seam: runs right after the entry commits, before the caller removes a copied staged file.</summary>
    internal Action<BackupEntry>? AfterCommit { get; set; }

    /// <summary>Loads the newest entry time of these jobs (the others keep what was loaded before).</summary>
    public async Task LoadAsync(IReadOnlyCollection<int> jobIds, CancellationToken cancellationToken)
    {
        if (jobIds.Count == 0) return;
        string job = db.Column<BackupEntry>(nameof(BackupEntry.ExpectedJobId)), reported = db.Column<BackupEntry>(nameof(BackupEntry.AgentReportTimestampUtc)),
            cycle = db.Column<BackupEntry>(nameof(BackupEntry.ExpectedCycleUtc));
        await using var select = db.Command();
        select.CommandText = $"SELECT {job}, MAX({reported}), MAX({cycle}) FROM {db.Table<BackupEntry>()} WHERE {select.In(db, job, "@jobs", jobIds)} GROUP BY {job}";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            latestEffective[reader.GetInt32(0)] = Max(
                reader.Read<BackupEntry, DateTime?>(db, 1, nameof(BackupEntry.AgentReportTimestampUtc)),
                reader.Read<BackupEntry, DateTime?>(db, 2, nameof(BackupEntry.ExpectedCycleUtc))) ?? DateTime.MinValue;
        }
        await reader.DisposeAsync();
        if (content.SizeDropPercent > 0) await LoadRecentSizesAsync(jobIds, cancellationToken);
    }

    /// <summary>The sizes of each job's last <see cref="SizeDrop.Window"/> successes, in one query for the batch.</summary>
    private async Task LoadRecentSizesAsync(IReadOnlyCollection<int> jobIds, CancellationToken cancellationToken)
    {
        string job = db.Column<BackupEntry>(nameof(BackupEntry.ExpectedJobId)), reported = db.Column<BackupEntry>(nameof(BackupEntry.AgentReportTimestampUtc)),
            size = db.Column<BackupEntry>(nameof(BackupEntry.ServerCalculatedStagedSize)), status = db.Column<BackupEntry>(nameof(BackupEntry.Status));
        await using var select = db.Command();
        var success = select.Parameter<BackupEntry>(db, "@success", nameof(BackupEntry.Status), BackupEntryStatus.Success);
        select.CommandText = $"SELECT j, s FROM (SELECT {job} AS j, {size} AS s, ROW_NUMBER() OVER (PARTITION BY {job} ORDER BY {reported} DESC) AS n " +
            $"FROM {db.Table<BackupEntry>()} WHERE {select.In(db, job, "@jobs", jobIds)} AND {status} = {success} AND {size} IS NOT NULL) recent " +
            $"WHERE n <= {SizeDrop.Window} ORDER BY j, n";
        foreach (var id in jobIds) recentSizes[id] = [];
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) recentSizes[reader.GetInt32(0)].Add(reader.GetInt64(1));
    }

    /// <summary>SPEC §5.1: a success far below the job's usual size stays a success, with a warning (decided once, when staged).</summary>
    private void CheckSize(ExpectedBackupJob job, BackupEntry entry)
    {
        if (content.SizeDropPercent <= 0 || entry.Status != BackupEntryStatus.Success || entry.ServerCalculatedStagedSize is not { } size) return;
        if (!recentSizes.TryGetValue(job.Id, out var recent)) return;
        if (SizeDrop.Check(size, recent, content.SizeDropPercent) is { } warning)
        {
            entry.ErrorMessage = entry.ErrorMessage is null ? warning : $"{entry.ErrorMessage} {warning}";
            sizeDropped.Add(entry);
        }
        recent.Insert(0, size);
        if (recent.Count > SizeDrop.Window) recent.RemoveAt(recent.Count - 1);
    }

    /// <summary>Records one entry now, in its own transaction.</summary>
    public async Task RecordAsync(ExpectedBackupJob job, BackupEntry entry, CancellationToken cancellationToken)
    {
        CheckSize(job, entry);
        BeforeCommit?.Invoke(entry);
        FaultInjection.BeforeEntryCommit();
        await RecordOneAsync(job, entry, cancellationToken);
        AfterCommit?.Invoke(entry);
    }

    /// <summary>
    /// Queues an entry whose files have already moved, for <see cref="CommitStagedAsync"/>;
    /// <paramref name="removeAfterCommit"/> (a copied staged file) is deleted once the entry is committed.
    /// </summary>
    public void Stage(ExpectedBackupJob job, BackupEntry entry, string? removeAfterCommit)
    {
        CheckSize(job, entry);
        staged.Add(new Staged(job, entry, removeAfterCommit));
    }

    /// <summary>
    /// Commits every staged entry, the scan's columns of <paramref name="jobs"/> and the entries' notices,
    /// plus <paramref name="alsoAdd"/>, in ONE transaction; then removes the copied staged files. If that
    /// transaction fails on a constraint (another process recorded something first), it is rolled back and
    /// each entry is recorded in its own transaction instead: the result lists the entries that could not be,
    /// and says whether <paramref name="alsoAdd"/> was saved (only with the batch).
    /// </summary>
    public async Task<BatchResult> CommitStagedAsync(IReadOnlyList<ProcessedReport> alsoAdd, IReadOnlyCollection<ExpectedBackupJob> jobs, CancellationToken cancellationToken)
    {
        var batch = staged.ToList();
        staged.Clear();
        foreach (var item in batch)
        {
            BeforeCommit?.Invoke(item.Entry);
            FaultInjection.BeforeEntryCommit();
        }

        var before = batch.Select(i => i.Job.Id).Distinct().ToDictionary(id => id, id => latestEffective.TryGetValue(id, out var t) ? t : (DateTime?)null);
        var now = time.UtcNow();
        var committed = false;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            try
            {
                foreach (var item in batch) (item.Entry.ExpectedJobId, item.Entry.CreatedAtUtc) = (item.Job.Id, now);
                await db.InsertAsync(batch.Select(i => i.Entry).ToList(), cancellationToken);
                await db.InsertAsync(alsoAdd, cancellationToken);
                // In order, as one by one: each notice sees its job as that entry left it.
                foreach (var item in batch) await notifier.OnEntryRecordedAsync(db, Apply(item.Job, item.Entry, now), cancellationToken);
                await db.UpdateAsync(jobs, ScanOwnedJobColumns, cancellationToken);
                await SaveAddedNoticesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                committed = true;
            }
            catch (Exception e)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                await ForgetAsync(jobs, before, batch);
                if (e is not (DbUpdateException or System.Data.Common.DbException)) throw;
            }
        }

        if (!committed) return await RecordOneByOneAsync(batch, cancellationToken);

        DiscardPendingChanges();
        foreach (var item in batch)
        {
            AfterCommit?.Invoke(item.Entry);
            if (item.RemoveAfterCommit is not null) File.Delete(item.RemoveAfterCommit);
        }
        return new BatchResult(AlsoAddSaved: true, []);
    }

    /// <summary>The notices the notifier added and their deliveries, in bulk inserts; anything else it may have changed through SaveChanges.</summary>
    private async Task SaveAddedNoticesAsync(CancellationToken cancellationToken)
    {
        var added = db.ChangeTracker.Entries<Notice>().Where(e => e.State == EntityState.Added).ToList();
        var notices = added.Select(e => e.Entity).ToList();
        var deliveries = db.ChangeTracker.Entries<Delivery>().Where(e => e.State == EntityState.Added).ToList();
        await db.InsertAsync(notices, cancellationToken);
        foreach (var notice in notices)
            foreach (var delivery in notice.Deliveries) delivery.NoticeId = notice.Id;
        await db.InsertAsync(notices.SelectMany(n => n.Deliveries).ToList(), cancellationToken);
        foreach (var entry in deliveries) entry.State = EntityState.Detached;
        foreach (var entry in added) entry.State = EntityState.Detached;
        if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>What <see cref="CommitStagedAsync"/> did.</summary>
    public sealed record BatchResult(bool AlsoAddSaved, IReadOnlyList<(BackupEntry Entry, DbUpdateException Error)> NotRecorded);

    private async Task<BatchResult> RecordOneByOneAsync(List<Staged> batch, CancellationToken cancellationToken)
    {
        var failed = new List<(BackupEntry, DbUpdateException)>();
        foreach (var item in batch)
        {
            try
            {
                await RecordOneAsync(item.Job, item.Entry, cancellationToken);
            }
            catch (DbUpdateException e)
            {
                failed.Add((item.Entry, e));
                continue;
            }
            AfterCommit?.Invoke(item.Entry);
            if (item.RemoveAfterCommit is not null) File.Delete(item.RemoveAfterCommit);
        }
        return new BatchResult(AlsoAddSaved: false, failed);
    }

    /// <summary>Saves what the scan changed in these jobs (they need not be tracked).</summary>
    public async Task SaveJobsAsync(IReadOnlyCollection<ExpectedBackupJob> jobs, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.UpdateAsync(jobs, ScanOwnedJobColumns, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task RecordOneAsync(ExpectedBackupJob job, BackupEntry entry, CancellationToken cancellationToken)
    {
        // Batches keep their jobs untracked; here SaveChanges writes the job with its entry.
        if (db.Entry(job).State == EntityState.Detached) db.Jobs.Attach(job);
        var latestBefore = latestEffective.TryGetValue(job.Id, out var latest) ? latest : (DateTime?)null;
        var recorded = Apply(job, entry, time.UtcNow());

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            db.Entries.Add(entry);
            await db.SaveChangesAsync(cancellationToken);
            await notifier.OnEntryRecordedAsync(db, recorded, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            await transaction.RollbackAsync(CancellationToken.None);
            await ForgetAsync([job], new() { [job.Id] = latestBefore }, [new Staged(job, entry, null)]);
            throw;
        }
        DiscardPendingChanges();
    }

    /// <summary>Applies an entry to its job in memory (status, last success/failure) and says what changed.</summary>
    private RecordedEntry Apply(ExpectedBackupJob job, BackupEntry entry, DateTime now)
    {
        var effective = entry.EffectiveTimeUtc;
        var previous = job.CurrentStatus;
        var isNewest = !latestEffective.TryGetValue(job.Id, out var latest) || effective >= latest;

        entry.ExpectedJobId = job.Id;
        entry.CreatedAtUtc = now;
        if (isNewest) job.CurrentStatus = entry.Status.ToJobStatus();
        if (entry.Status == BackupEntryStatus.Success)
            job.LastSuccessfulBackupUtc = Max(job.LastSuccessfulBackupUtc, effective);
        else
            job.LastFailedBackupUtc = Max(job.LastFailedBackupUtc, effective);
        job.LastCheckedAtUtc = now;
        if (isNewest) latestEffective[job.Id] = effective;
        return new RecordedEntry(job, entry, previous, isNewest && previous != job.CurrentStatus, sizeDropped.Contains(entry));
    }

    /// <summary>After a rollback: forget what was added, put the jobs back as the database has them.</summary>
    private async Task ForgetAsync(IEnumerable<ExpectedBackupJob> jobs, Dictionary<int, DateTime?> latestBefore, IEnumerable<Staged> items)
    {
        DiscardPendingChanges();
        foreach (var item in items) item.Entry.Id = 0;
        foreach (var (id, latest) in latestBefore)
        {
            if (latest is { } value) latestEffective[id] = value;
            else latestEffective.Remove(id);
        }
        foreach (var job in jobs.Distinct())
        {
            if (db.Entry(job).State == EntityState.Detached) db.Jobs.Attach(job);
            await db.Entry(job).ReloadAsync(CancellationToken.None);
        }
    }

    /// <summary>Forget saved entries, notices and reports so a long scan's memory stays flat (jobs stay tracked).</summary>
    private void DiscardPendingChanges()
    {
        foreach (var tracked in db.ChangeTracker.Entries().ToList())
        {
            if (tracked.Entity is ExpectedBackupJob) continue;
            tracked.State = EntityState.Detached;
        }
    }

    private static DateTime? Max(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
