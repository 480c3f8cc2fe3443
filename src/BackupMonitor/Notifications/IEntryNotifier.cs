using BackupMonitor.Domain;
using BackupMonitor.Persistence;

namespace BackupMonitor.Notifications;

/// <summary>An entry just saved, with its job as refreshed in the same transaction; <paramref name="SizeDropped"/>: a success far below the usual size (SPEC §5.1).</summary>
public sealed record RecordedEntry(ExpectedBackupJob Job, BackupEntry Entry, JobStatus PreviousJobStatus, bool ChangedJobStatus, bool SizeDropped = false);

/// <summary>
/// The notification seam of the scanner: called inside the entry's transaction, after the entry and its job
/// are saved (ids assigned), so that whatever it adds to <paramref name="db"/> commits or rolls back with them.
/// </summary>
public interface IEntryNotifier
{
    Task OnEntryRecordedAsync(BackupMonitorDbContext db, RecordedEntry recorded, CancellationToken cancellationToken);
}

/// <summary>Records nothing: used until e-mail alerts are configured in.</summary>
public sealed class NoEntryNotifier : IEntryNotifier
{
    public Task OnEntryRecordedAsync(BackupMonitorDbContext db, RecordedEntry recorded, CancellationToken cancellationToken) => Task.CompletedTask;
}
