using BackupMonitor.Domain;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Scanning;

/// <summary>
/// Saves one entry and its job's new state in one transaction, with whatever the notifier adds.
/// A job's status follows its newest entry: a late line for an older cycle is history only.
/// </summary>
public sealed class EntryRecorder(BackupMonitorDbContext db, IEntryNotifier notifier, TimeProvider time)
{
    private Dictionary<int, DateTime> latestEffective = [];

    /// <summary>Test seam: runs after files were moved and before the entry commits (a crash here must lose nothing).</summary>
    internal Action<BackupEntry>? BeforeCommit { get; set; }

    /// <summary>Test seam: runs right after the entry commits, before the caller removes a copied staged file.</summary>
    internal Action<BackupEntry>? AfterCommit { get; set; }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var latest = await db.Entries
            .GroupBy(e => e.ExpectedJobId)
            .Select(g => new { JobId = g.Key, Reported = g.Max(e => e.AgentReportTimestampUtc), Cycle = g.Max(e => e.ExpectedCycleUtc) })
            .ToListAsync(cancellationToken);
        latestEffective = latest.ToDictionary(l => l.JobId, l => Max(l.Reported, l.Cycle) ?? DateTime.MinValue);
    }

    public async Task RecordAsync(ExpectedBackupJob job, BackupEntry entry, CancellationToken cancellationToken)
    {
        BeforeCommit?.Invoke(entry);
        FaultInjection.BeforeEntryCommit();
        var now = time.UtcNow();
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

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            db.Entries.Add(entry);
            await db.SaveChangesAsync(cancellationToken);
            await notifier.OnEntryRecordedAsync(db, new RecordedEntry(job, entry, previous, isNewest && previous != job.CurrentStatus), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            await transaction.RollbackAsync(CancellationToken.None);
            DiscardPendingChanges();
            await db.Entry(job).ReloadAsync(CancellationToken.None);
            throw;
        }
        if (isNewest) latestEffective[job.Id] = effective;
        DiscardPendingChanges(keep: job);
        AfterCommit?.Invoke(entry);
    }

    /// <summary>Forget saved entries and notices so a long scan's memory stays flat.</summary>
    private void DiscardPendingChanges(ExpectedBackupJob? keep = null)
    {
        foreach (var tracked in db.ChangeTracker.Entries().ToList())
        {
            if (tracked.Entity is ExpectedBackupJob) continue;
            if (!ReferenceEquals(tracked.Entity, keep)) tracked.State = EntityState.Detached;
        }
    }

    private static DateTime? Max(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
