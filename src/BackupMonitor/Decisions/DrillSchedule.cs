using BackupMonitor.Domain;

namespace BackupMonitor.Decisions;

/// <summary>An active job with a validated backup: its latest one, and when its last drill that counts finished (null: never).</summary>
public sealed record DrillCandidate(int JobId, int LatestEntryId, DateTime? LastCountedDrillUtc);

/// <summary>The facts about one finished drill that decide its notices (SPEC §13, §6.1).</summary>
/// <param name="PreviousDecisive">The job's last passed or failed drill before this one (null: none).</param>
/// <param name="PreviousPassedRows">The rows of the job's previous passed drill (null: none, or not a database).</param>
public sealed record DrillNoticeFacts(DrillStatus Status, DrillStatus? PreviousDecisive, long? Rows, long? PreviousPassedRows, int SizeDropPercent, bool NotifyOnRecovery);

/// <summary>What a finished drill raises.</summary>
public readonly record struct DrillNotices(bool Alert, bool Recovery, bool RowDrop);

/// <summary>Which jobs a scheduled pass drills, and what a finished drill raises. Pure.</summary>
public static class DrillSchedule
{
    /// <summary>
    /// Jobs whose last counted drill is older than the interval (or that were never drilled), oldest first (never
    /// drilled first, then by their last drill, then by id). A job drilled within the interval waits, even when a newer
    /// backup arrived since: the interval is per job.
    /// </summary>
    public static IReadOnlyList<DrillCandidate> Due(IEnumerable<DrillCandidate> candidates, TimeSpan interval, DateTime nowUtc) =>
        candidates.Where(c => c.LastCountedDrillUtc is not { } last || last <= nowUtc - interval)
            .OrderBy(c => c.LastCountedDrillUtc ?? DateTime.MinValue).ThenBy(c => c.JobId).ToList();

    public static DrillNotices Notices(DrillNoticeFacts facts) => new(
        Alert: facts.Status == DrillStatus.Failed,
        Recovery: facts.Status == DrillStatus.Passed && facts.PreviousDecisive == DrillStatus.Failed && facts.NotifyOnRecovery,
        RowDrop: facts.Status == DrillStatus.Passed && IsRowDrop(facts.Rows, facts.PreviousPassedRows, facts.SizeDropPercent));

    /// <summary>
    /// Whether a failed drill's alert is raised (SPEC §6.1 applied to drills, a job whose last drill failed counting as
    /// failing): every failed drill with ALERT_MODE=every_failure; with on_change, the first failed drill after a passed
    /// one (or none), then a reminder at most every ALERT_REMINDER_HOURS (0: none) counted from the last drill alert.
    /// </summary>
    public static bool AlertRaised(Configuration.AlertOptions alerts, DrillStatus? previousDecisive, DateTime? lastDrillAlertUtc, DateTime nowUtc) =>
        alerts.Mode == Configuration.AlertMode.EveryFailure || previousDecisive != DrillStatus.Failed || lastDrillAlertUtc is null
        || alerts.ReminderHours > 0 && nowUtc - lastDrillAlertUtc.Value >= TimeSpan.FromHours(alerts.ReminderHours);

    /// <summary>Rows below SIZE_DROP_PERCENT % of the previous passed drill's (0: off), as §5.1 compares sizes.</summary>
    public static bool IsRowDrop(long? rows, long? previousRows, int percent) =>
        percent > 0 && rows is { } now && previousRows is { } before && before > 0 && now * 100 < before * percent;
}
