namespace BackupMonitor.Domain;

/// <summary>The history record of one processed report line, or of one missed cycle.</summary>
public sealed class BackupEntry
{
    public int Id { get; set; }
    public int ExpectedJobId { get; set; }
    public BackupEntryStatus Status { get; set; }
    public DateTime? AgentReportTimestampUtc { get; set; }
    public string? AgentReportedHashSha256 { get; set; }
    public long? AgentReportedSizeBytes { get; set; }
    public long? AgentCompressSizePreCompress { get; set; }
    public long? AgentCompressSizePostCompress { get; set; }
    public string? AgentTransferProcessStatus { get; set; }
    public DateTime? AgentTransferProcessStartTime { get; set; }
    public DateTime? AgentTransferProcessTimestamp { get; set; }
    public string? AgentTransferErrorMessage { get; set; }
    public string? AgentStagedFileName { get; set; }
    public string? AgentLogsSummary { get; set; }
    public string? ServerCalculatedStagedHash { get; set; }
    public long? ServerCalculatedStagedSize { get; set; }
    /// <summary>True when the hashes differ, false when they match, null when nothing was compared.</summary>
    public bool? HashComparisonResult { get; set; }
    public string? ErrorMessage { get; set; }
    public string? ValidatedPath { get; set; }
    public string? QuarantinePath { get; set; }
    public DateTime? ExpectedCycleUtc { get; set; }
    /// <summary>SPEC §5.1: the format recognised from the first bytes (`gzip+tar`…), null when none was or no file was read.</summary>
    public string? ContentFormat { get; set; }
    /// <summary>Null when no file was read.</summary>
    public ContentCheck? ContentCheck { get; set; }
    /// <summary>What broke and where, or why the file was not checked.</summary>
    public string? ContentCheckDetail { get; set; }
    /// <summary>SPEC §14: when retention moved the validated file to the trash (set before the move: a marked move is finished by any later apply).</summary>
    public DateTime? PrunedAtUtc { get; set; }
    /// <summary>Where the pruned file is, relative to the trash area (null once restored).</summary>
    public string? TrashPath { get; set; }
    /// <summary>When the trashed file was deleted, RETENTION_TRASH_DAYS after it was pruned. The entry stays: it is history.</summary>
    public DateTime? PurgedAtUtc { get; set; }
    /// <summary>When `retention restore` brought the file back: it is held from then on, never pruned again.</summary>
    public DateTime? HeldAtUtc { get; set; }
    public DateTime CreatedAtUtc { get; set; }

    /// <summary>The moment this entry speaks for: the agent's operation time, or the missed cycle.</summary>
    public DateTime EffectiveTimeUtc => AgentReportTimestampUtc ?? ExpectedCycleUtc ?? CreatedAtUtc;
}
