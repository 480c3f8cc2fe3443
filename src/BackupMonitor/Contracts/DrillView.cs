using BackupMonitor.Domain;

namespace BackupMonitor.Contracts;

/// <summary>A restore drill (SPEC §13; `drills list`, `drills run`, `/api/drills`).</summary>
public sealed record DrillView(
    int Id, int JobId, int EntryId, DateTime StartedAtUtc, DateTime? FinishedAtUtc, long? DurationMs, string Status, string? Format,
    int? Tables, long? Rows, string? Detail)
{
    public static DrillView Of(Drill d) => new(d.Id, d.JobId, d.EntryId, d.StartedAtUtc, d.FinishedAtUtc, d.DurationMs, d.Status.ToWire(), d.Format,
        d.Tables, d.Rows, d.Detail);
}
