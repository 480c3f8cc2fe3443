using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Dashboard;

/// <summary>Which jobs a maintenance window covers now, for the marks on job rows; the windows are read once per request.</summary>
public sealed class MaintenanceMarks(BackupMonitorDbContext db, TimeProvider time)
{
    private List<MaintenanceWindow>? open;

    public async Task<MaintenanceWindow?> CoveringAsync(ExpectedBackupJob job)
    {
        if (open is null)
        {
            var now = time.GetUtcNow().UtcDateTime;
            open = (await db.MaintenanceWindows.AsNoTracking().Where(w => w.RemovedAtUtc == null).OrderBy(w => w.Id).ToListAsync()).Where(w => MaintenanceCoverage.IsOpen(w, now)).ToList();
        }
        return open.FirstOrDefault(w => MaintenanceCoverage.Matches(w, job));
    }
}
