namespace BackupMonitor.Reports;

/// <summary>What the agent says about one database (a line of STATUS.json, SPEC §3).</summary>
public enum AgentLineStatus { Success, Failed, TransferIntegrityFailed }

public sealed record ReportLine(
    string DbName,
    AgentLineStatus Status,
    DateTime OperationTimestampUtc,
    string? StagedFileName,
    string? HashSha256,
    long? SizeBytes,
    long? CompressSizePreCompress,
    long? CompressSizePostCompress,
    string? AgentTransferProcessStatus,
    DateTime? AgentTransferProcessStartTimeUtc,
    DateTime? AgentTransferProcessTimestampUtc,
    string? AgentTransferErrorMessage,
    string? ErrorMsg,
    string? LogsSummary);

/// <summary>A validated STATUS.json report (schema version 1).</summary>
public sealed record StatusReport(string AgentId, DateTime ReportTimestampUtc, IReadOnlyList<ReportLine> Databases);
