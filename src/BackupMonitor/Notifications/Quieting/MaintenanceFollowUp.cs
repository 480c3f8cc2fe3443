using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Notifications;

/// <summary>
/// SPEC §6.3: when a maintenance window ends, each job it quieted that is still failing one grace period later gets one
/// alert for its latest entry. Deliveries a window suppressed carry its id until this is settled; then: the latest
/// entry's suppressed alert goes out (pending again), or, when that entry raised none, a new alert is routed for it;
/// a job that recovered, was deactivated or acknowledged gets nothing. Compare-and-set updates and the one-alert-per-entry
/// index make it happen once across processes. Runs after each scan; a failure here never fails the scan.
/// </summary>
public sealed class MaintenanceFollowUp(
    BackupMonitorDbContext db, NoticeOutbox outbox, ScanOptions scan, TimeProvider time, ILogger<MaintenanceFollowUp> logger)
{
    /// <summary>As <see cref="RunAsync"/>, logging instead of throwing: a notification problem never fails a scan.</summary>
    public async Task RunSafelyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError("The maintenance window follow-up failed: {Error}", e.GetBaseException().Message);
        }
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.UtcNow();
        var marked = await db.Deliveries.AsNoTracking().Where(d => d.SuppressedByWindowId != null)
            .Join(db.Notices.Where(n => n.ExpectedJobId != null), d => d.NoticeId, n => n.Id, (d, n) => new { d.Id, WindowId = d.SuppressedByWindowId!.Value, d.CreatedAtUtc, ExpectedJobId = n.ExpectedJobId!.Value })
            .ToListAsync(cancellationToken);
        if (marked.Count == 0) return 0;
        var windows = await db.MaintenanceWindows.AsNoTracking().Where(w => w.RemovedAtUtc == null).ToDictionaryAsync(w => w.Id, cancellationToken);
        var jobIds = marked.Select(m => m.ExpectedJobId).Distinct().ToList();
        var jobs = await db.Jobs.AsNoTracking().Where(j => jobIds.Contains(j.Id)).ToListAsync(cancellationToken);
        var alerted = 0;
        foreach (var job in jobs)
        {
            var mine = marked.Where(m => m.ExpectedJobId == job.Id).ToList();
            var ids = mine.Select(m => m.Id).ToList();
            if (!job.IsActive || !job.CurrentStatus.IsFailure() || job.AcknowledgedAtUtc is not null)
            {
                await SettleAsync(ids, cancellationToken);
                continue;
            }
            // A removed window ended when it was removed; its last suppression is the latest time known before that.
            var ends = mine.GroupBy(m => m.WindowId).Select(g => windows.TryGetValue(g.Key, out var w) ? MaintenanceCoverage.LastEnd(w, now) : g.Max(m => m.CreatedAtUtc)).ToList();
            if (ends.Any(e => e is null)) continue;
            var covered = MaintenanceCoverage.Covering(windows.Values, job, now).Count > 0;
            var grace = TimeSpan.FromMinutes(Schedule.TryOf(job) is { } schedule
                ? Cycles.GraceMinutes(schedule, job.GraceMinutes, scan.MissingGraceMinutes)
                : job.GraceMinutes ?? scan.MissingGraceMinutes);
            if (!AlertPolicy.FollowUpDue(ends.Max()!.Value, grace, job.CurrentStatus, covered, now)) continue;
            if (await AlertLatestAsync(job, ids, string.Join(", ", mine.Select(m => m.WindowId).Distinct().Order()), now, cancellationToken)) alerted++;
        }
        return alerted;
    }

    private async Task<bool> AlertLatestAsync(ExpectedBackupJob job, List<int> markedIds, string windowIds, DateTime now, CancellationToken cancellationToken)
    {
        var latest = await db.Entries.AsNoTracking().Where(e => e.ExpectedJobId == job.Id)
            .OrderByDescending(e => e.AgentReportTimestampUtc ?? e.ExpectedCycleUtc).ThenByDescending(e => e.Id).FirstOrDefaultAsync(cancellationToken);
        var why = $"maintenance window {windowIds} ended and the job was still failing one grace period later";
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            var sent = false;
            if (latest is not null && latest.Status != BackupEntryStatus.Success)
            {
                var notices = db.Notices.Where(n => n.BackupEntryId == latest.Id && n.Kind == NoticeKind.Alert).Select(n => n.Id);
                var reopened = await db.Deliveries
                    .Where(d => notices.Contains(d.NoticeId) && d.State == DeliveryState.Suppressed && d.SuppressedByWindowId != null)
                    .ExecuteUpdateAsync(set => set.SetProperty(d => d.State, DeliveryState.Pending).SetProperty(d => d.NextAttemptAtUtc, now)
                        .SetProperty(d => d.LastError, $"suppressed, then sent: {why}").SetProperty(d => d.SuppressedByWindowId, (int?)null), cancellationToken);
                sent = reopened > 0;
                if (!sent && !await notices.AnyAsync(cancellationToken))
                {
                    await RaiseAsync(job, latest, cancellationToken);
                    sent = true;
                }
            }
            await SettleAsync(markedIds, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (sent) logger.LogInformation("Maintenance follow-up alert for job '{Database}': {Why}.", job.DatabaseName, why);
            return sent;
        }
        catch (Exception e) when (DatabaseErrors.IsUniqueViolation(e))
        {
            // Another process raised it first.
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>
    /// A new alert for an entry that raised none (ALERT_MODE=on_change while the window was open), through the one
    /// notice builder: routed as usual, and recorded as skipped for `admins` when no destination takes it.
    /// </summary>
    private async Task RaiseAsync(ExpectedBackupJob job, BackupEntry entry, CancellationToken cancellationToken)
    {
        var draft = NoticeDraft.ForEntry(NoticeKind.Alert, job, entry, job.CurrentStatus, job.CurrentStatus);
        await outbox.RaiseAsync(draft, cancellationToken);
    }

    /// <summary>These suppressions need no more follow-up.</summary>
    private async Task SettleAsync(List<int> ids, CancellationToken cancellationToken)
    {
        foreach (var chunk in ids.Chunk(500))
        {
            var some = chunk.ToList();
            await db.Deliveries.Where(d => some.Contains(d.Id))
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.SuppressedByWindowId, (int?)null), cancellationToken);
        }
    }
}
