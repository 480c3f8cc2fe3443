using BackupMonitor.Domain;

namespace BackupMonitor.Decisions;

/// <summary>One day of a compliance picture: how many of the cycles due that day were verified.</summary>
public sealed record ComplianceDay(DateTime DayUtc, int Verified, int Expected)
{
    public double? Percent => Expected == 0 ? null : 100.0 * Verified / Expected;
}

/// <summary>
/// "% of cycles verified": of the cycles a job had to deliver in a window (its expected time passed, and it
/// was watched by then), how many have a successful entry. Pure: the caller reads the entries.
/// </summary>
public static class Compliance
{
    public const int Days = 30;

    /// <summary>The oldest operation time that can belong to a cycle of the window ending at <paramref name="nowUtc"/>.</summary>
    public static DateTime Since(DateTime nowUtc, int days = Days) => nowUtc.Date.AddDays(-(days + 1));

    /// <summary>
    /// The cycles of the window, oldest first: those of the last <paramref name="days"/> days whose expected time is
    /// not in the future (a daily job: its last <paramref name="days"/> cycles). A job whose stored schedule no longer
    /// reads has none.
    /// </summary>
    public static IEnumerable<DateTime> DueCycles(ExpectedBackupJob job, DateTime nowUtc, int days = Days)
    {
        if (Schedule.TryOf(job) is not { } schedule) yield break;
        var grace = TimeSpan.FromMinutes(job.GraceMinutes ?? 0);
        foreach (var cycle in schedule.Between(nowUtc.AddDays(-days).AddTicks(1), nowUtc))
        {
            if (cycle + grace > job.WatchedSinceUtc) yield return cycle;
        }
    }

    private static IEnumerable<DateTime> CyclesOf(ExpectedBackupJob job, IEnumerable<DateTime> timesUtc) =>
        Schedule.TryOf(job) is { } schedule ? timesUtc.Select(t => Cycles.CycleOf(t, schedule)) : [];

    /// <summary>Verified and expected cycles of one job; <paramref name="successTimesUtc"/> are its successful entries' times.</summary>
    public static (int Verified, int Expected) Of(ExpectedBackupJob job, IEnumerable<DateTime> successTimesUtc, DateTime nowUtc, int days = Days)
    {
        var due = DueCycles(job, nowUtc, days).ToHashSet();
        var verified = CyclesOf(job, successTimesUtc).Where(due.Contains).Distinct().Count();
        return (verified, due.Count);
    }

    /// <summary>
    /// Verified and expected cycles from a count of successes alone (the overview's company table reads counts, not
    /// rows): a job cannot verify more cycles than it had, so a re-run on one day never makes up for a missed one elsewhere.
    /// </summary>
    public static (int Verified, int Expected) FromCount(ExpectedBackupJob job, int successes, DateTime nowUtc, int days = Days)
    {
        var expected = DueCycles(job, nowUtc, days).Count();
        return (Math.Min(successes, expected), expected);
    }

    /// <summary>Per day (a cycle's UTC date), across <paramref name="jobs"/>: the company picture.</summary>
    public static IReadOnlyList<ComplianceDay> Daily(
        IReadOnlyList<ExpectedBackupJob> jobs, ILookup<int, DateTime> successTimesByJob, DateTime nowUtc, int days = Days)
    {
        var verified = new Dictionary<DateTime, int>();
        var expected = new Dictionary<DateTime, int>();
        foreach (var job in jobs)
        {
            var due = DueCycles(job, nowUtc, days).ToHashSet();
            foreach (var cycle in due) expected[cycle.Date] = expected.GetValueOrDefault(cycle.Date) + 1;
            foreach (var cycle in CyclesOf(job, successTimesByJob[job.Id]).Where(due.Contains).Distinct())
                verified[cycle.Date] = verified.GetValueOrDefault(cycle.Date) + 1;
        }
        var today = nowUtc.Date;
        return Enumerable.Range(0, days).Select(i => today.AddDays(i - days + 1))
            .Select(day => new ComplianceDay(day, verified.GetValueOrDefault(day), expected.GetValueOrDefault(day))).ToList();
    }
}
