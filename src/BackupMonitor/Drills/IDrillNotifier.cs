using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;

namespace BackupMonitor.Drills;

/// <summary>A drill just finished, with what it raises (<see cref="DrillSchedule.Notices"/>) and the facts the notices name.</summary>
public sealed record FinishedDrill(ExpectedBackupJob Job, BackupEntry Entry, Drill Drill, DrillNotices Notices, DrillStatus? PreviousDecisive, long? PreviousPassedRows);

/// <summary>
/// The notification seam of drills: called inside the transaction that records the finished drill, so whatever it
/// adds to <paramref name="db"/> commits or rolls back with it (as <see cref="Notifications.IEntryNotifier"/> for entries).
/// </summary>
public interface IDrillNotifier
{
    Task OnDrillFinishedAsync(BackupMonitorDbContext db, FinishedDrill finished, CancellationToken cancellationToken);
}

/// <summary>Raises nothing.</summary>
public sealed class NoDrillNotifier : IDrillNotifier
{
    public Task OnDrillFinishedAsync(BackupMonitorDbContext db, FinishedDrill finished, CancellationToken cancellationToken) => Task.CompletedTask;
}
