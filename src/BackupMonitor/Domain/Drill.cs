namespace BackupMonitor.Domain;

/// <summary>Where a restore drill stands (SPEC §13).</summary>
public enum DrillStatus { Running, Passed, Failed, Skipped }

/// <summary>
/// One restore drill of one validated backup (SPEC §13): restored into a throwaway target, checked, dropped, timed.
/// While it runs, the process running it holds its claim (<see cref="ClaimedBy"/> until <see cref="ClaimedUntilUtc"/>,
/// renewed), so that a leftover of a crashed drill is told apart from a drill another process is still restoring.
/// </summary>
public sealed class Drill
{
    public int Id { get; set; }
    public int JobId { get; set; }
    public int EntryId { get; set; }
    public DateTime StartedAtUtc { get; set; }
    public DateTime? FinishedAtUtc { get; set; }
    public long? DurationMs { get; set; }
    public DrillStatus Status { get; set; }
    /// <summary>What was drilled, as the drill recognised it (`gzip+pg_dump_custom`, `sqlite`, `tar`…).</summary>
    public string? Format { get; set; }
    public int? Tables { get; set; }
    public long? Rows { get; set; }
    /// <summary>The tool's error (its last lines), `timed out after N minutes`, or why it was skipped.</summary>
    public string? Detail { get; set; }
    /// <summary>
    /// False for a skip for want of a drill server (SPEC §13: those jobs are drilled at the next pass once one is
    /// configured) and for a drill interrupted by its process stopping: neither says anything about the backup.
    /// </summary>
    public bool CountsTowardInterval { get; set; } = true;
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedUntilUtc { get; set; }
}

/// <summary>One of the DRILL_CONCURRENCY places for a scheduled drill, claimed by the process using it.</summary>
public sealed class DrillSlot
{
    public int Slot { get; set; }
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedUntilUtc { get; set; }
}

public static class DrillStatusNames
{
    public static readonly IReadOnlyList<DrillStatus> All = Enum.GetValues<DrillStatus>();

    public static string ToWire(this DrillStatus status) => status switch
    {
        DrillStatus.Running => "running",
        DrillStatus.Passed => "passed",
        DrillStatus.Failed => "failed",
        DrillStatus.Skipped => "skipped",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? text, out DrillStatus status)
    {
        status = All.FirstOrDefault(s => s.ToWire() == text);
        return All.Any(s => s.ToWire() == text);
    }
}
