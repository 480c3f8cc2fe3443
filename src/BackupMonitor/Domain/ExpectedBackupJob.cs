namespace BackupMonitor.Domain;

/// <summary>One backup that a site's agent must deliver every day (one per site × database).</summary>
public sealed class ExpectedBackupJob
{
    public int Id { get; set; }
    public required string CompanyName { get; set; }
    public required string City { get; set; }
    public required string Neighborhood { get; set; }
    public required string DatabaseName { get; set; }
    public required string AgentIdResponsible { get; set; }
    public int ExpectedHourUtc { get; set; }
    public int ExpectedMinuteUtc { get; set; }
    public int? GraceMinutes { get; set; }
    public bool IsActive { get; set; } = true;
    public JobStatus CurrentStatus { get; set; } = JobStatus.Unknown;
    public DateTime? LastCheckedAtUtc { get; set; }
    public DateTime? LastSuccessfulBackupUtc { get; set; }
    public DateTime? LastFailedBackupUtc { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    /// <summary>When a deactivated job was last reactivated (null: active since creation). No cycle before it is missing.</summary>
    public DateTime? ActiveSinceUtc { get; set; }

    /// <summary>Cycles whose deadline falls before this moment are not this job's to miss.</summary>
    public DateTime WatchedSinceUtc => ActiveSinceUtc ?? CreatedAtUtc;
}
