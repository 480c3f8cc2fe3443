using BackupMonitor.Domain;

namespace BackupMonitor.Decisions;

/// <summary>
/// What a scan owns in a job, and the rule that moves it (SPEC §5): the job's status follows its newest entry (a
/// late line for an older cycle is history only); the last success and failure are the latest of each. Recording
/// an entry says whether it changed the job's status, which makes a recovery (SPEC §6).
/// </summary>
public readonly record struct JobProgress(JobStatus Status, DateTime? LastSuccessUtc, DateTime? LastFailureUtc, DateTime? NewestEntryUtc)
{
    public static JobProgress Of(ExpectedBackupJob job, DateTime? newestEntryUtc) =>
        new(job.CurrentStatus, job.LastSuccessfulBackupUtc, job.LastFailedBackupUtc, newestEntryUtc);

    /// <summary>The job after an entry of <paramref name="status"/> whose effective time is <paramref name="effectiveUtc"/>.</summary>
    public Recorded Record(BackupEntryStatus status, DateTime effectiveUtc)
    {
        var isNewest = NewestEntryUtc is not { } newest || effectiveUtc >= newest;
        var after = this with
        {
            Status = isNewest ? status.ToJobStatus() : Status,
            LastSuccessUtc = status == BackupEntryStatus.Success ? Max(LastSuccessUtc, effectiveUtc) : LastSuccessUtc,
            LastFailureUtc = status != BackupEntryStatus.Success ? Max(LastFailureUtc, effectiveUtc) : LastFailureUtc,
            NewestEntryUtc = isNewest ? effectiveUtc : NewestEntryUtc,
        };
        return new Recorded(after, Status, isNewest && after.Status != Status);
    }

    /// <summary>The job after one entry, its status before, and whether the entry changed it.</summary>
    public readonly record struct Recorded(JobProgress After, JobStatus PreviousStatus, bool ChangedStatus);

    /// <summary>Writes the scan's columns into the job row.</summary>
    public void ApplyTo(ExpectedBackupJob job) =>
        (job.CurrentStatus, job.LastSuccessfulBackupUtc, job.LastFailedBackupUtc) = (Status, LastSuccessUtc, LastFailureUtc);

    private static DateTime Max(DateTime? a, DateTime b) => a is { } value && value > b ? value : b;
}
