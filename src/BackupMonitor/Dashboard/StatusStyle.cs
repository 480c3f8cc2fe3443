using BackupMonitor.Domain;

namespace BackupMonitor.Dashboard;

/// <summary>
/// How statuses look: a CSS class per status (colour), always shown beside the status's text, so colour-blind
/// readers and printouts lose nothing. Failures come first when jobs are listed by what needs attention.
/// </summary>
public static class StatusStyle
{
    public static string CssClass(JobStatus status) => "st-" + status.ToWire().Replace('_', '-');

    public static string CssClass(BackupEntryStatus? status) =>
        status is { } s ? "st-" + (s == BackupEntryStatus.Success ? "ok" : s.ToWire().Replace('_', '-')) : "st-none";

    /// <summary>0 for failures, 1 for unknown, 2 for ok: the "needs attention" order.</summary>
    public static int AttentionRank(JobStatus status) => status.IsFailure() ? 0 : status == JobStatus.Unknown ? 1 : 2;

    /// <summary>Tiles in the order an operator reads them: good news first, then each kind of trouble.</summary>
    public static readonly IReadOnlyList<JobStatus> TileOrder =
        [JobStatus.Ok, JobStatus.Failed, JobStatus.Missing, JobStatus.HashMismatch, JobStatus.TransferIntegrityFailed, JobStatus.Corrupt, JobStatus.Unknown];
}
