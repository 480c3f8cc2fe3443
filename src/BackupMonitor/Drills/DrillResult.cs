using BackupMonitor.Domain;

namespace BackupMonitor.Drills;

/// <summary>How one drill ended: what was recognised, what came back (database restores), and in plain words what broke or why it was skipped.</summary>
public sealed record DrillResult(DrillStatus Status, string? Format, int? Tables = null, long? Rows = null, string? Detail = null, bool NeedsDrillServer = false)
{
    public static DrillResult Failed(string? format, string detail) => new(DrillStatus.Failed, format, Detail: detail);
}
