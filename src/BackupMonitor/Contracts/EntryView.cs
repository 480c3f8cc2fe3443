using BackupMonitor.Domain;

namespace BackupMonitor.Contracts;

/// <summary>One backup entry, the history of a job (SPEC §8 `entries list`, `/api/jobs/{id}/entries`, webhook bodies).</summary>
public sealed record EntryView(
    int Id, int ExpectedJobId, string Status, DateTime? AgentReportTimestampUtc, string? AgentReportedHashSha256,
    long? AgentReportedSizeBytes, long? AgentCompressSizePreCompress, long? AgentCompressSizePostCompress,
    string? AgentTransferProcessStatus, DateTime? AgentTransferProcessStartTime, DateTime? AgentTransferProcessTimestamp,
    string? AgentTransferErrorMessage, string? AgentStagedFileName, string? AgentLogsSummary,
    string? ServerCalculatedStagedHash, long? ServerCalculatedStagedSize, bool? HashComparisonResult, string? ErrorMessage,
    string? ValidatedPath, string? QuarantinePath, DateTime? ExpectedCycleUtc,
    string? ContentFormat, string? ContentCheck, string? ContentCheckDetail,
    DateTime? PrunedAtUtc, string? TrashPath, DateTime? PurgedAtUtc, DateTime? HeldAtUtc, DateTime CreatedAtUtc)
{
    public static EntryView Of(BackupEntry e) => new(e.Id, e.ExpectedJobId, e.Status.ToWire(), e.AgentReportTimestampUtc,
        e.AgentReportedHashSha256?.ToLowerInvariant(), e.AgentReportedSizeBytes, e.AgentCompressSizePreCompress, e.AgentCompressSizePostCompress,
        e.AgentTransferProcessStatus, e.AgentTransferProcessStartTime, e.AgentTransferProcessTimestamp, e.AgentTransferErrorMessage,
        e.AgentStagedFileName, e.AgentLogsSummary, e.ServerCalculatedStagedHash?.ToLowerInvariant(), e.ServerCalculatedStagedSize,
        e.HashComparisonResult, e.ErrorMessage, e.ValidatedPath, e.QuarantinePath, e.ExpectedCycleUtc,
        e.ContentFormat, e.ContentCheck?.ToWire(), e.ContentCheckDetail, e.PrunedAtUtc, e.TrashPath, e.PurgedAtUtc, e.HeldAtUtc, e.CreatedAtUtc);
}
