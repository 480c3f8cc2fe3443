using BackupMonitor.Decisions;
using BackupMonitor.Domain;

namespace BackupMonitor.Contracts;

/// <summary>A maintenance window as `maintenance list --format json` and the API show it (SPEC §9 field names).</summary>
public sealed record MaintenanceView(
    int Id, string? Company, string? City, string? Agent, string? Database, DateTime? From, DateTime? Until, string? Schedule, int? DurationMinutes,
    string? TimeZone, string? Reason, bool OpenNow, DateTime CreatedAtUtc)
{
    public static MaintenanceView Of(MaintenanceWindow w, DateTime nowUtc) => new(w.Id, w.Company, w.City, w.Agent, w.Database, w.FromUtc, w.UntilUtc,
        w.ScheduleExpression, w.DurationMinutes, w.IsRecurring ? w.TimeZone : null, w.Reason, MaintenanceCoverage.IsOpen(w, nowUtc), w.CreatedAtUtc);

    /// <summary>The window's time as one table cell.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string When => Schedule is { } cron
        ? $"{cron} ({TimeZone}) for {DurationMinutes} min"
        : $"{From:yyyy-MM-dd HH:mm}Z → {Until:yyyy-MM-dd HH:mm}Z";

    /// <summary>The window's matchers as one table cell (`*` when it covers every job).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Jobs => string.Join(" ", new[] { ("company", Company), ("city", City), ("agent", Agent), ("database", Database) }
        .Where(m => m.Item2 is not null).Select(m => $"{m.Item1}={m.Item2}")) is { Length: > 0 } text ? text : "*";
}
