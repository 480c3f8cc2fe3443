using BackupMonitor.Domain;

namespace BackupMonitor.Dashboard;

/// <summary>A job page's restore drills (SPEC §13): its last ones, newest first, for the last drill, the duration chart and the table.</summary>
public sealed record JobDrills(IReadOnlyList<Drill> Drills, DateTime TodayUtc)
{
    public const int Shown = 100;
}
