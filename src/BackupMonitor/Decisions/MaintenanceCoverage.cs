using BackupMonitor.Domain;

namespace BackupMonitor.Decisions;

/// <summary>
/// When a maintenance window covers a job (SPEC §6.3): its matchers hold (as a route's, `*` any run of characters,
/// none: every job) and now falls in its span — one-off [from, until), or an occurrence of its cron schedule in its
/// zone plus duration_minutes.
/// </summary>
public static class MaintenanceCoverage
{
    /// <summary>How far back a recurring window's last end is looked for (a follow-up waits at most the longest grace).</summary>
    public static readonly TimeSpan FollowUpHorizon = TimeSpan.FromDays(2);

    public static bool Matches(MaintenanceWindow window, ExpectedBackupJob job) =>
        NoticeRouting.Glob(window.Company, job.CompanyName) && NoticeRouting.Glob(window.City, job.City)
        && NoticeRouting.Glob(window.Agent, job.AgentIdResponsible) && NoticeRouting.Glob(window.Database, job.DatabaseName);

    /// <summary>The windows that cover this job at <paramref name="nowUtc"/>, lowest id first.</summary>
    public static IReadOnlyList<MaintenanceWindow> Covering(IEnumerable<MaintenanceWindow> windows, ExpectedBackupJob job, DateTime nowUtc) =>
        windows.Where(w => Matches(w, job) && IsOpen(w, nowUtc)).OrderBy(w => w.Id).ToList();

    /// <summary>Whether the window's time (whatever its matchers) contains <paramref name="nowUtc"/>.</summary>
    public static bool IsOpen(MaintenanceWindow window, DateTime nowUtc) => Occurrence(window, nowUtc) is not null;

    /// <summary>The span of the window containing <paramref name="nowUtc"/>, if any.</summary>
    public static (DateTime Start, DateTime End)? Occurrence(MaintenanceWindow window, DateTime nowUtc)
    {
        if (!window.IsRecurring)
            return window.FromUtc <= nowUtc && nowUtc < window.UntilUtc ? (window.FromUtc!.Value, window.UntilUtc!.Value) : null;
        var duration = TimeSpan.FromMinutes(window.DurationMinutes ?? 0);
        if (duration <= TimeSpan.Zero || ScheduleOf(window) is not { } schedule) return null;
        var starts = schedule.Between(nowUtc - duration + TimeSpan.FromTicks(1), nowUtc);
        return starts.Count == 0 ? null : (starts[^1], starts[^1] + duration);
    }

    /// <summary>The end of the window's latest span that ended at or before <paramref name="nowUtc"/> (within the horizon for a recurring one).</summary>
    public static DateTime? LastEnd(MaintenanceWindow window, DateTime nowUtc)
    {
        if (!window.IsRecurring) return window.UntilUtc <= nowUtc ? window.UntilUtc : null;
        var duration = TimeSpan.FromMinutes(window.DurationMinutes ?? 0);
        if (duration <= TimeSpan.Zero || ScheduleOf(window) is not { } schedule) return null;
        var starts = schedule.Between(nowUtc - duration - FollowUpHorizon, nowUtc - duration);
        return starts.Count == 0 ? null : starts[^1] + duration;
    }

    /// <summary>A stored schedule that no longer parses covers nothing (it never stops a scan).</summary>
    private static Schedule? ScheduleOf(MaintenanceWindow window)
    {
        try
        {
            return Schedule.Cron(window.ScheduleExpression!, window.TimeZone);
        }
        catch (ScheduleException)
        {
            return null;
        }
    }
}
