namespace BackupMonitor.Domain;

/// <summary>
/// A span while a job was watched, with the schedule it had then (SPEC §12): opened when the job is registered or
/// reactivated, closed when it is deactivated or its schedule changes (and a new one opened). Kept forever, so a
/// finished month's compliance report never changes.
/// </summary>
public sealed class JobActivePeriod
{
    public int Id { get; set; }
    public int ExpectedJobId { get; set; }
    public DateTime FromUtc { get; set; }
    /// <summary>Null while the period is open.</summary>
    public DateTime? UntilUtc { get; set; }
    public int? ExpectedHourUtc { get; set; }
    public int? ExpectedMinuteUtc { get; set; }
    public string? ScheduleExpression { get; set; }
    public string TimeZone { get; set; } = Schedule.DefaultTimeZone;
    public int? GraceMinutes { get; set; }

    /// <summary>A period opened now with the job's schedule as it is.</summary>
    public static JobActivePeriod Open(ExpectedBackupJob job, DateTime fromUtc) => new()
    {
        ExpectedJobId = job.Id, FromUtc = fromUtc, ExpectedHourUtc = job.ExpectedHourUtc, ExpectedMinuteUtc = job.ExpectedMinuteUtc,
        ScheduleExpression = job.ScheduleExpression, TimeZone = job.TimeZone, GraceMinutes = job.GraceMinutes,
    };

    /// <summary>The job as it was during this period (its schedule and grace), for the schedule helpers.</summary>
    public ExpectedBackupJob AsJob(ExpectedBackupJob job) => new()
    {
        Id = job.Id, CompanyName = job.CompanyName, City = job.City, Neighborhood = job.Neighborhood, DatabaseName = job.DatabaseName,
        AgentIdResponsible = job.AgentIdResponsible, ExpectedHourUtc = ExpectedHourUtc, ExpectedMinuteUtc = ExpectedMinuteUtc,
        ScheduleExpression = ScheduleExpression, TimeZone = TimeZone, GraceMinutes = GraceMinutes, CreatedAtUtc = job.CreatedAtUtc,
    };
}
