namespace BackupMonitor.Domain;

/// <summary>The current state of an expected job, as shown to operators.</summary>
public enum JobStatus { Unknown, Ok, Failed, Missing, HashMismatch, TransferIntegrityFailed, Corrupt }

/// <summary>The outcome recorded for one report line or one missed cycle.</summary>
public enum BackupEntryStatus { Success, Failed, Missing, HashMismatch, TransferIntegrityFailed, Corrupt }

/// <summary>Wire names of the statuses (lowercase snake case, SPEC §2), used in JSON, the CLI and the database.</summary>
public static class StatusNames
{
    /// <summary>`passed`, `failed`, `skipped`.</summary>
    public static string ToWire(this ContentCheck check) => check switch
    {
        ContentCheck.Passed => "passed",
        ContentCheck.Failed => "failed",
        ContentCheck.Skipped => "skipped",
        _ => throw new ArgumentOutOfRangeException(nameof(check)),
    };

    public static string ToWire(this JobStatus status) => status switch
    {
        JobStatus.Unknown => "unknown",
        JobStatus.Ok => "ok",
        JobStatus.Failed => "failed",
        JobStatus.Missing => "missing",
        JobStatus.HashMismatch => "hash_mismatch",
        JobStatus.TransferIntegrityFailed => "transfer_integrity_failed",
        JobStatus.Corrupt => "corrupt",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string ToWire(this BackupEntryStatus status) => status switch
    {
        BackupEntryStatus.Success => "success",
        BackupEntryStatus.Failed => "failed",
        BackupEntryStatus.Missing => "missing",
        BackupEntryStatus.HashMismatch => "hash_mismatch",
        BackupEntryStatus.TransferIntegrityFailed => "transfer_integrity_failed",
        BackupEntryStatus.Corrupt => "corrupt",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static readonly IReadOnlyList<JobStatus> AllJobStatuses = Enum.GetValues<JobStatus>();
    public static readonly IReadOnlyList<BackupEntryStatus> AllEntryStatuses = Enum.GetValues<BackupEntryStatus>();

    public static bool TryParseJobStatus(string? text, out JobStatus status)
    {
        status = AllJobStatuses.FirstOrDefault(s => s.ToWire() == text);
        return AllJobStatuses.Any(s => s.ToWire() == text);
    }

    public static bool TryParseEntryStatus(string? text, out BackupEntryStatus status)
    {
        status = AllEntryStatuses.FirstOrDefault(s => s.ToWire() == text);
        return AllEntryStatuses.Any(s => s.ToWire() == text);
    }

    /// <summary>The job status an entry status leads to (SPEC §5).</summary>
    public static JobStatus ToJobStatus(this BackupEntryStatus status) => status switch
    {
        BackupEntryStatus.Success => JobStatus.Ok,
        BackupEntryStatus.Failed => JobStatus.Failed,
        BackupEntryStatus.Missing => JobStatus.Missing,
        BackupEntryStatus.HashMismatch => JobStatus.HashMismatch,
        BackupEntryStatus.TransferIntegrityFailed => JobStatus.TransferIntegrityFailed,
        BackupEntryStatus.Corrupt => JobStatus.Corrupt,
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool IsFailure(this JobStatus status) =>
        status is JobStatus.Failed or JobStatus.Missing or JobStatus.HashMismatch or JobStatus.TransferIntegrityFailed or JobStatus.Corrupt;

    /// <summary>`HASH MISMATCH`: the label used in alert subjects.</summary>
    public static string ToLabel(this BackupEntryStatus status) => status.ToWire().ToUpperInvariant().Replace('_', ' ');
}
