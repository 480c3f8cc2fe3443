using BackupMonitor.Domain;

namespace BackupMonitor.Contracts;

/// <summary>An expected backup job (SPEC §8 `jobs list`, `/api/jobs`, webhook bodies).</summary>
public sealed record JobView(
    int Id, string CompanyName, string City, string Neighborhood, string DatabaseName, string AgentIdResponsible,
    int? ExpectedHourUtc, int? ExpectedMinuteUtc, string? Schedule, string TimeZone, int? GraceMinutes, bool IsActive, string CurrentStatus,
    DateTime? AcknowledgedAtUtc, DateTime? LastCheckedAtUtc, DateTime? LastSuccessfulBackupUtc, DateTime? LastFailedBackupUtc, DateTime CreatedAtUtc,
    DateTime? NextExpectedUtc, DateTime? LastDrillUtc, string? LastDrillStatus, string? Retention)
{
    /// <summary>The job as of <paramref name="nowUtc"/>: `next_expected_utc` is its next cycle (null while deactivated).</summary>
    public static JobView Of(ExpectedBackupJob j, DateTime nowUtc) => new(j.Id, j.CompanyName, j.City, j.Neighborhood, j.DatabaseName, j.AgentIdResponsible,
        j.ExpectedHourUtc, j.ExpectedMinuteUtc, j.ScheduleExpression, j.TimeZone, j.GraceMinutes, j.IsActive, j.CurrentStatus.ToWire(),
        j.AcknowledgedAtUtc, j.LastCheckedAtUtc, j.LastSuccessfulBackupUtc, j.LastFailedBackupUtc, j.CreatedAtUtc,
        j.IsActive ? Domain.Schedule.TryOf(j)?.AtOrAfter(nowUtc) : null, j.LastDrillUtc, j.LastDrillStatus?.ToWire(), j.Retention);
}
