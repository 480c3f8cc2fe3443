using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Persistence;

/// <summary>
/// What one commit of a scan writes: entries (in order, each with its job), report records, jobs, and the notices,
/// deliveries and acknowledgement ends planned for those entries (<see cref="NoticePlanner"/>).
/// </summary>
public sealed record ScanCommit(
    IReadOnlyList<RecordedEntry> Entries, IReadOnlyList<ProcessedReport> Reports, IReadOnlyCollection<ExpectedBackupJob> Jobs, NoticePlan? Notices = null);

public sealed partial class ScanStore
{
    /// <summary>What a scan changes in a job; the rest (name, schedule, active) belongs to the users.</summary>
    private static readonly string[] ScanOwnedJobColumns =
    [
        nameof(ExpectedBackupJob.CurrentStatus), nameof(ExpectedBackupJob.LastCheckedAtUtc),
        nameof(ExpectedBackupJob.LastSuccessfulBackupUtc), nameof(ExpectedBackupJob.LastFailedBackupUtc),
    ];

    /// <summary>
    /// Writes <paramref name="commit"/> in ONE transaction: the entries and report records in bulk (one reused
    /// statement per table), then the planned notices and deliveries (each taking its entry's new id), the ended
    /// acknowledgements and the jobs' scan-owned columns. It only writes rows: what to write was decided before.
    /// Null when committed; the database's refusal, with everything rolled back and forgotten, when it refuses (a
    /// unique index: another process recorded a row first; or any other database error); other errors throw.
    /// </summary>
    public async Task<Exception?> CommitAsync(ScanCommit commit, DateTime nowUtc, CancellationToken cancellationToken)
    {
        if (faults.BeforeCommit is { } before) foreach (var recorded in commit.Entries) before(recorded.Entry);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            try
            {
                foreach (var recorded in commit.Entries) (recorded.Entry.ExpectedJobId, recorded.Entry.CreatedAtUtc) = (recorded.Job.Id, nowUtc);
                await db.InsertAsync(commit.Entries.Select(e => e.Entry).ToList(), cancellationToken);
                await db.InsertAsync(commit.Reports, cancellationToken);
                var planned = commit.Notices?.Notices ?? [];
                foreach (var (notice, _, entry) in planned) notice.BackupEntryId = entry.Id;
                await notices.AddAsync(planned.Select(p => p.Notice).ToList(), cancellationToken);
                await notices.ClearAcknowledgementsAsync(commit.Notices?.ClearedAcknowledgements ?? [], cancellationToken);
                await db.UpdateAsync(commit.Jobs, ScanOwnedJobColumns, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (Exception e)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                foreach (var recorded in commit.Entries) recorded.Entry.Id = 0;
                foreach (var report in commit.Reports) report.Id = 0;
                foreach (var planned in commit.Notices?.Notices ?? []) Forget(planned.Notice);
                if (e is DbUpdateException or System.Data.Common.DbException) return e;
                throw;
            }
        }
        // Nothing stays tracked: a long scan's memory stays flat.
        db.ChangeTracker.Clear();
        if (faults.AfterCommit is { } after) foreach (var recorded in commit.Entries) after(recorded.Entry);
        return null;
    }

    private static void Forget(Notice notice)
    {
        (notice.Id, notice.BackupEntryId) = (0, null);
        foreach (var delivery in notice.Deliveries) (delivery.Id, delivery.NoticeId) = (0, 0);
    }

    /// <summary>Records a finished scan run (SPEC §8 `scan` history).</summary>
    public async Task RecordRunAsync(ScanRun run, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.InsertAsync([run], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
