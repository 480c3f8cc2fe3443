namespace BackupMonitor.Domain;

/// <summary>One backup that a site's agent must deliver on a schedule (one per site × database).</summary>
public sealed class ExpectedBackupJob
{
    public int Id { get; set; }
    public required string CompanyName { get; set; }
    public required string City { get; set; }
    public required string Neighborhood { get; set; }
    public required string DatabaseName { get; set; }
    public required string AgentIdResponsible { get; set; }
    /// <summary>A daily job's UTC time; null for a job with a <see cref="ScheduleExpression"/>.</summary>
    public int? ExpectedHourUtc { get; set; }
    public int? ExpectedMinuteUtc { get; set; }
    /// <summary>The `schedule` (5-field cron, in <see cref="TimeZone"/>); null: daily at the UTC hour and minute.</summary>
    public string? ScheduleExpression { get; set; }
    /// <summary>The IANA zone the schedule is read in (`UTC` for daily jobs).</summary>
    public string TimeZone { get; set; } = Schedule.DefaultTimeZone;
    public int? GraceMinutes { get; set; }
    public bool IsActive { get; set; } = true;
    public JobStatus CurrentStatus { get; set; } = JobStatus.Unknown;
    /// <summary>When a user acknowledged this failing job (SPEC §6.3): its alerts are suppressed until it recovers or is unacknowledged.</summary>
    public DateTime? AcknowledgedAtUtc { get; set; }
    public DateTime? LastCheckedAtUtc { get; set; }
    public DateTime? LastSuccessfulBackupUtc { get; set; }
    public DateTime? LastFailedBackupUtc { get; set; }
    /// <summary>When the job's last restore drill finished, and how it ended (SPEC §13; a skipped drill counts too).</summary>
    public DateTime? LastDrillUtc { get; set; }
    public DrillStatus? LastDrillStatus { get; set; }
    /// <summary>The job's own retention policy (SPEC §14), as written by `retention set --job`; null: its company's, else RETENTION.</summary>
    public string? Retention { get; set; }
    /// <summary>The process applying retention to this job now (a claim, <see cref="Persistence.Claims"/>), and until when.</summary>
    public string? RetentionClaimedBy { get; set; }
    public DateTime? RetentionClaimedUntilUtc { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    /// <summary>When a deactivated job was last reactivated or its schedule changed (null: since creation). No cycle before it is missing.</summary>
    public DateTime? ActiveSinceUtc { get; set; }

    /// <summary>Cycles whose deadline falls before this moment are not this job's to miss.</summary>
    public DateTime WatchedSinceUtc => ActiveSinceUtc ?? CreatedAtUtc;
}
