using BackupMonitor.Domain;

namespace BackupMonitor.Decisions;

/// <summary>
/// A job's cycles are its schedule's occurrences T; a cycle's deadline is T + grace. A report line belongs to the
/// cycle whose T is nearest its operation time, half-way between two belonging to the later one (for a daily job:
/// T − 12 h ≤ time &lt; T + 12 h).
/// </summary>
public static class Cycles
{
    private static readonly TimeSpan HalfDay = TimeSpan.FromHours(12);

    /// <summary>How far back a scan looks for missed cycles (a monitor that was down for a weekend reports both days).</summary>
    public static readonly TimeSpan MissingLookback = TimeSpan.FromDays(7);

    /// <summary>
    /// For dense schedules the look-back is shorter: at most this many times the schedule's shortest gap, so that
    /// an every-minute job costs a scan about as many occurrences as an every-ten-minutes one (about a thousand).
    /// </summary>
    public const int MaxLookbackCycles = 1000;

    public static DateTime CycleOf(DateTime timeUtc, int hourUtc, int minuteUtc)
    {
        var cycle = timeUtc.Date.AddHours(hourUtc).AddMinutes(minuteUtc);
        if (timeUtc < cycle - HalfDay) return cycle.AddDays(-1);
        if (timeUtc >= cycle + HalfDay) return cycle.AddDays(1);
        return cycle;
    }

    /// <summary>The occurrence nearest <paramref name="timeUtc"/> (half-way: the later one).</summary>
    public static DateTime CycleOf(DateTime timeUtc, Schedule schedule)
    {
        if (schedule.IsDailyUtc) return CycleOf(timeUtc, schedule.DailyHourUtc!.Value, schedule.DailyMinuteUtc!.Value);
        var next = schedule.AtOrAfter(timeUtc);
        if (next is { } n)
            return n == timeUtc ? n : schedule.LatestBetween(timeUtc - (n - timeUtc), timeUtc) ?? n;
        // A schedule that never fires again (cannot be registered, but an old row might hold one): the last one before.
        return schedule.LatestBetween(timeUtc - TimeSpan.FromDays(3 * 366), timeUtc.AddTicks(1)) ?? timeUtc;
    }

    /// <summary>The grace of a job's cycles: its own, else the default kept shorter than the schedule's shortest gap.</summary>
    public static int GraceMinutes(Schedule schedule, int? jobGraceMinutes, int defaultGraceMinutes)
    {
        if (jobGraceMinutes is { } own) return own;
        var gapMinutes = (int)Math.Min(int.MaxValue, schedule.ShortestGap.TotalMinutes);
        return Math.Max(0, Math.Min(defaultGraceMinutes, gapMinutes - 1));
    }

    /// <summary>The oldest deadline a scan at <paramref name="nowUtc"/> still looks at for this schedule.</summary>
    public static DateTime OldestDeadline(Schedule schedule, DateTime nowUtc)
    {
        var dense = schedule.IsDailyUtc ? MissingLookback : TimeSpan.FromTicks(Math.Min(MissingLookback.Ticks, schedule.ShortestGap.Ticks * MaxLookbackCycles));
        return nowUtc - dense;
    }

    /// <summary>
    /// The earliest operation time of a line that can belong to a cycle a scan at <paramref name="nowUtc"/> examines:
    /// the occurrence before the oldest such cycle (a monthly cycle's lines may come half a month early).
    /// </summary>
    public static DateTime OldestBelonging(Schedule schedule, DateTime nowUtc)
    {
        var oldest = OldestDeadline(schedule, nowUtc) - TimeSpan.FromHours(12);
        for (var window = TimeSpan.FromDays(1); window <= TimeSpan.FromDays(800); window *= 8)
            if (schedule.LatestBetween(oldest - window, oldest) is { } previous) return previous;
        return oldest - TimeSpan.FromDays(1);
    }

    /// <summary>
    /// The cycles whose deadline has passed at <paramref name="nowUtc"/>, oldest first: deadline ≤ now,
    /// deadline after the job was registered, and within <see cref="MissingLookback"/>.
    /// </summary>
    public static IEnumerable<DateTime> DueCycles(int hourUtc, int minuteUtc, int graceMinutes, DateTime createdAtUtc, DateTime nowUtc) =>
        DueCycles(Schedule.Daily(hourUtc, minuteUtc), graceMinutes, createdAtUtc, nowUtc);

    /// <summary>
    /// The schedule's cycles whose deadline has passed at <paramref name="nowUtc"/>, oldest first: deadline ≤ now,
    /// deadline after <paramref name="watchedSinceUtc"/> (when the job was registered or reactivated), and no
    /// older than <see cref="OldestDeadline"/>.
    /// </summary>
    public static IEnumerable<DateTime> DueCycles(Schedule schedule, int graceMinutes, DateTime watchedSinceUtc, DateTime nowUtc)
    {
        var grace = TimeSpan.FromMinutes(graceMinutes);
        var after = OldestDeadline(schedule, nowUtc);
        if (watchedSinceUtc > after) after = watchedSinceUtc;
        foreach (var cycle in schedule.Between(after - grace, nowUtc - grace))
            if (cycle + grace > after) yield return cycle;
    }
}
