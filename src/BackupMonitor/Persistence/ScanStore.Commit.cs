using BackupMonitor.Domain;
using BackupMonitor.Notifications;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Persistence;

/// <summary>What one commit of a scan writes: entries (in order, each with its job as it leaves it), report records, jobs.</summary>
public sealed record ScanCommit(IReadOnlyList<RecordedEntry> Entries, IReadOnlyList<ProcessedReport> Reports, IReadOnlyCollection<ExpectedBackupJob> Jobs);

public sealed partial class ScanStore
{
    /// <summary>What a scan changes in a job; the rest (name, schedule, active) belongs to the users.</summary>
    private static readonly string[] ScanOwnedJobColumns =
    [
        nameof(ExpectedBackupJob.CurrentStatus), nameof(ExpectedBackupJob.LastCheckedAtUtc),
        nameof(ExpectedBackupJob.LastSuccessfulBackupUtc), nameof(ExpectedBackupJob.LastFailedBackupUtc),
    ];

    /// <summary>Test seam: runs for each entry before its commit starts, after its files were moved (a crash here must lose nothing).</summary>
    internal Action<BackupEntry>? BeforeCommit { get; set; }

    /// <summary>Test seam: runs for each entry right after its commit, before the scan removes a copied staged file.</summary>
    internal Action<BackupEntry>? AfterCommit { get; set; }

    /// <summary>
    /// Writes <paramref name="commit"/> in ONE transaction: the entries and report records in bulk (one reused
    /// statement per table), then the notifier's notices for each entry in order (each sees its job as that entry
    /// left it), then the jobs' scan-owned columns. Null when committed; the database's refusal, with everything rolled back
    /// and forgotten, when it refuses a row (another process recorded it first: a unique index); other errors throw.
    /// </summary>
    public async Task<Exception?> CommitAsync(ScanCommit commit, IEntryNotifier notifier, DateTime nowUtc, CancellationToken cancellationToken)
    {
        foreach (var recorded in commit.Entries) BeforeCommit?.Invoke(recorded.Entry);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            try
            {
                foreach (var recorded in commit.Entries) (recorded.Entry.ExpectedJobId, recorded.Entry.CreatedAtUtc) = (recorded.Job.Id, nowUtc);
                await db.InsertAsync(commit.Entries.Select(e => e.Entry).ToList(), cancellationToken);
                await db.InsertAsync(commit.Reports, cancellationToken);
                foreach (var recorded in commit.Entries) await notifier.OnEntryRecordedAsync(db, recorded, cancellationToken);
                await db.UpdateAsync(commit.Jobs, ScanOwnedJobColumns, cancellationToken);
                await SaveAddedNoticesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (Exception e)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                foreach (var recorded in commit.Entries) recorded.Entry.Id = 0;
                foreach (var report in commit.Reports) report.Id = 0;
                if (e is DbUpdateException or System.Data.Common.DbException) return e;
                throw;
            }
        }
        // Nothing stays tracked: a long scan's memory stays flat.
        db.ChangeTracker.Clear();
        foreach (var recorded in commit.Entries) AfterCommit?.Invoke(recorded.Entry);
        return null;
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

    /// <summary>Records a finished scan run (SPEC §8 `scan` history).</summary>
    public async Task RecordRunAsync(ScanRun run, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.InsertAsync([run], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
