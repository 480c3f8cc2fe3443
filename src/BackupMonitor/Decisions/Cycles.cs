namespace BackupMonitor.Decisions;

/// <summary>
/// A daily job's cycles are its expected times T (UTC, every day); a cycle's deadline is T + grace.
/// A report line belongs to the cycle whose T is nearest its operation time: T − 12 h ≤ time &lt; T + 12 h.
/// </summary>
public static class Cycles
{
    private static readonly TimeSpan HalfDay = TimeSpan.FromHours(12);

    /// <summary>How far back a scan looks for missed cycles (a monitor that was down for a weekend reports both days).</summary>
    public static readonly TimeSpan MissingLookback = TimeSpan.FromDays(7);

    public static DateTime CycleOf(DateTime timeUtc, int hourUtc, int minuteUtc)
    {
        var cycle = timeUtc.Date.AddHours(hourUtc).AddMinutes(minuteUtc);
        if (timeUtc < cycle - HalfDay) return cycle.AddDays(-1);
        if (timeUtc >= cycle + HalfDay) return cycle.AddDays(1);
        return cycle;
    }

    /// <summary>
    /// The cycles whose deadline has passed at <paramref name="nowUtc"/>, oldest first: deadline ≤ now,
    /// deadline after the job was registered, and within <see cref="MissingLookback"/>.
    /// </summary>
    public static IEnumerable<DateTime> DueCycles(int hourUtc, int minuteUtc, int graceMinutes, DateTime createdAtUtc, DateTime nowUtc)
    {
        var grace = TimeSpan.FromMinutes(graceMinutes);
        var oldestDeadline = nowUtc - MissingLookback;
        var cycle = nowUtc.Date.AddDays(-(MissingLookback.Days + 1)).AddHours(hourUtc).AddMinutes(minuteUtc);
        for (; cycle + grace <= nowUtc; cycle = cycle.AddDays(1))
        {
            var deadline = cycle + grace;
            if (deadline > createdAtUtc && deadline > oldestDeadline) yield return cycle;
        }
    }
}
