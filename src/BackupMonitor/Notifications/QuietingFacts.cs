using BackupMonitor.Configuration;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Notifications;

/// <summary>
/// What the alert policy needs from the database, read once per scan (scope) like routes: acknowledged jobs, maintenance
/// windows, and (ALERT_MODE=on_change only) each job's latest alert. Kept current with what this scan decides.
/// </summary>
public sealed class QuietingFacts(BackupMonitorDbContext db, AlertOptions options)
{
    private Dictionary<int, DateTime>? acknowledged;
    private List<MaintenanceWindow>? windows;
    private Dictionary<int, DateTime>? lastAlerts;

    public async Task<DateTime?> AcknowledgedAtAsync(int jobId, CancellationToken cancellationToken)
    {
        acknowledged ??= (await db.Jobs.AsNoTracking().Where(j => j.AcknowledgedAtUtc != null)
            .Select(j => new { j.Id, j.AcknowledgedAtUtc }).ToListAsync(cancellationToken)).ToDictionary(j => j.Id, j => j.AcknowledgedAtUtc!.Value);
        return acknowledged.TryGetValue(jobId, out var at) ? at : null;
    }

    public async Task<IReadOnlyList<MaintenanceWindow>> WindowsAsync(CancellationToken cancellationToken) =>
        windows ??= await db.MaintenanceWindows.AsNoTracking().Where(w => w.RemovedAtUtc == null).OrderBy(w => w.Id).ToListAsync(cancellationToken);

    /// <summary>The job's latest alert (sent or suppressed); only read in on_change mode, where reminders count from it.</summary>
    public async Task<DateTime?> LastAlertAtAsync(int jobId, CancellationToken cancellationToken)
    {
        if (options.Mode != AlertMode.OnChange) return null;
        lastAlerts ??= (await db.Notices.AsNoTracking().Where(n => n.Kind == NoticeKind.Alert)
            .GroupBy(n => n.ExpectedJobId).Select(g => new { Job = g.Key, At = g.Max(n => n.CreatedAtUtc) }).ToListAsync(cancellationToken))
            .ToDictionary(x => x.Job, x => x.At);
        return lastAlerts.TryGetValue(jobId, out var at) ? at : null;
    }

    public void AlertRaised(int jobId, DateTime atUtc)
    {
        if (lastAlerts is not null) lastAlerts[jobId] = atUtc;
    }

    /// <summary>The job recovered: its acknowledgement ends, in the entry's transaction.</summary>
    public async Task ClearAcknowledgementAsync(ExpectedBackupJob job, CancellationToken cancellationToken)
    {
        acknowledged?.Remove(job.Id);
        job.AcknowledgedAtUtc = null;
        await db.Jobs.Where(j => j.Id == job.Id && j.AcknowledgedAtUtc != null)
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.AcknowledgedAtUtc, (DateTime?)null), cancellationToken);
    }
}
