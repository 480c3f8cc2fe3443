namespace BackupMonitor.Domain;

/// <summary>
/// A time when some jobs' alerts and warnings are suppressed (SPEC §6.3): matchers like a route's (none: every
/// job), and either a one-off span (<see cref="FromUtc"/>, <see cref="UntilUtc"/>) or a recurring one (a cron
/// <see cref="ScheduleExpression"/> in <see cref="TimeZone"/>, each occurrence lasting <see cref="DurationMinutes"/>).
/// </summary>
public sealed class MaintenanceWindow
{
    public int Id { get; set; }
    public string? Company { get; set; }
    public string? City { get; set; }
    public string? Agent { get; set; }
    public string? Database { get; set; }
    public DateTime? FromUtc { get; set; }
    public DateTime? UntilUtc { get; set; }
    public string? ScheduleExpression { get; set; }
    public int? DurationMinutes { get; set; }
    public string TimeZone { get; set; } = Schedule.DefaultTimeZone;
    public string? Reason { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    /// <summary>
    /// When it was removed (null: in force). A removed window is kept: it still excludes, in compliance reports
    /// (SPEC §12), the cycles it covered while it existed; everything else reads only windows in force.
    /// </summary>
    public DateTime? RemovedAtUtc { get; set; }

    public bool IsRecurring => ScheduleExpression is not null;

    /// <summary>How a delivery's last_error names this window.</summary>
    public string Describe() => $"maintenance window {Id}{(string.IsNullOrWhiteSpace(Reason) ? "" : $" ({Reason})")}";
}

/// <summary>One digest message (SPEC §6.3): the deliveries of one kind to one destination that went together.</summary>
public sealed class Digest
{
    public int Id { get; set; }
    public required string Destination { get; set; }
    public NoticeKind Kind { get; set; }
    public int Count { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}
