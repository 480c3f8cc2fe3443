using BackupMonitor.Domain;

namespace BackupMonitor.Decisions;

/// <summary>What became of one expected cycle (SPEC §12); expected = excluded + success + failed + missing.</summary>
public enum CycleOutcome { Excluded, Success, Failed, Missing }

/// <summary>A span while the job was watched, with the schedule (null: unreadable) and grace it had then.</summary>
public sealed record WatchedPeriod(DateTime FromUtc, DateTime? UntilUtc, Schedule? Schedule, int GraceMinutes)
{
    public bool Contains(DateTime utc) => FromUtc <= utc && (UntilUtc is null || utc < UntilUtc);
}

/// <summary>An entry as compliance reads it: the moment it speaks for (operation time, or the missed cycle), its status and content check.</summary>
public sealed record CycleEntry(DateTime TimeUtc, int EntryId, BackupEntryStatus Status, ContentCheck? ContentCheck = null);

/// <summary>One job's facts: its watched periods, its entries around the span asked, the entries with a passed drill.</summary>
public sealed record ComplianceFacts(ExpectedBackupJob Job, IReadOnlyList<WatchedPeriod> Periods, IReadOnlyList<CycleEntry> Entries, IReadOnlySet<int> DrilledEntryIds)
{
    public static readonly IReadOnlySet<int> NoDrills = new HashSet<int>();
}

/// <summary>One expected cycle, decided: its outcome, the window that excluded it, and what its entries proved.</summary>
public sealed record JobCycle(DateTime CycleUtc, CycleOutcome Outcome, bool ContentPassed, bool Drilled, int? ExcludedByWindowId, BackupEntryStatus? LatestStatus);

/// <summary>The counts of SPEC §12, for a job or a company; compliance = success ÷ (expected − excluded), rounded half up to one decimal.</summary>
public sealed record ComplianceCounts(int Expected, int Excluded, int Success, int ContentPassed, int Drilled, int Missing, int Failed)
{
    public static readonly ComplianceCounts Zero = new(0, 0, 0, 0, 0, 0, 0);

    public decimal? Percent => Compliance.Percent(Success, Expected - Excluded);

    public static ComplianceCounts Of(IEnumerable<JobCycle> cycles)
    {
        int expected = 0, excluded = 0, success = 0, content = 0, drilled = 0, missing = 0, failed = 0;
        foreach (var c in cycles)
        {
            expected++;
            switch (c.Outcome)
            {
                case CycleOutcome.Excluded: excluded++; break;
                case CycleOutcome.Success:
                    success++;
                    if (c.ContentPassed) content++;
                    if (c.Drilled) drilled++;
                    break;
                case CycleOutcome.Failed: failed++; break;
                default: missing++; break;
            }
        }
        return new(expected, excluded, success, content, drilled, missing, failed);
    }

    public static ComplianceCounts operator +(ComplianceCounts a, ComplianceCounts b) => new(
        a.Expected + b.Expected, a.Excluded + b.Excluded, a.Success + b.Success, a.ContentPassed + b.ContentPassed,
        a.Drilled + b.Drilled, a.Missing + b.Missing, a.Failed + b.Failed);

    public static ComplianceCounts Sum(IEnumerable<ComplianceCounts> counts) => counts.Aggregate(Zero, (a, b) => a + b);
}

/// <summary>One day of a compliance picture: how many of the cycles due that day were verified (excluded cycles count nowhere).</summary>
public sealed record ComplianceDay(DateTime DayUtc, int Verified, int Expected)
{
    public double? Percent => Expected == 0 ? null : 100.0 * Verified / Expected;
}

/// <summary>
/// The one computation of "were the backups there" (SPEC §12), shared by the monthly report, the dashboard's 30-day
/// compliance and the job page's calendar so they never disagree. Pure: the caller reads the facts.
/// A cycle is expected when its expected time T falls in one of the job's watched periods (with that period's
/// schedule) and its deadline T + grace has passed. It is excluded when a maintenance window covered T (a window
/// counts for the cycles it covered while it existed: created by the cycle's deadline, removed after T); otherwise a
/// success when any success entry belongs to it (§5's nearest cycle), else failed when its newest entry has a failure
/// status other than missing, else missing.
/// </summary>
public static class Compliance
{
    public const int Days = 30;

    /// <summary>The expected cycles with <paramref name="fromUtc"/> ≤ T &lt; <paramref name="toUtc"/> and deadline ≤ <paramref name="nowUtc"/>, oldest first.</summary>
    public static IReadOnlyList<JobCycle> Cycles(ComplianceFacts facts, IReadOnlyList<MaintenanceWindow> windows, DateTime fromUtc, DateTime toUtc, DateTime nowUtc)
    {
        var result = new List<JobCycle>();
        var covering = windows.Where(w => MaintenanceCoverage.Matches(w, facts.Job)).OrderBy(w => w.Id).ToList();
        foreach (var period in facts.Periods.OrderBy(p => p.FromUtc))
        {
            if (period.Schedule is not { } schedule) continue;
            var from = Max(fromUtc, period.FromUtc);
            var to = period.UntilUtc is { } until && until < toUtc ? until : toUtc;
            if (to <= from) continue;
            var grace = TimeSpan.FromMinutes(period.GraceMinutes);
            var due = schedule.Between(from, to.AddTicks(-1)).Where(t => t + grace <= nowUtc).ToList();
            if (due.Count == 0) continue;
            var byCycle = facts.Entries.GroupBy(e => Decisions.Cycles.CycleOf(e.TimeUtc, schedule)).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var cycle in due)
            {
                var window = covering.FirstOrDefault(w => Covered(w, cycle, cycle + grace));
                var entries = byCycle.GetValueOrDefault(cycle) ?? [];
                result.Add(Decide(cycle, window?.Id, entries, facts.DrilledEntryIds));
            }
        }
        return result.OrderBy(c => c.CycleUtc).ToList();
    }

    private static JobCycle Decide(DateTime cycle, int? windowId, List<CycleEntry> entries, IReadOnlySet<int> drilled)
    {
        var latest = entries.OrderBy(e => e.TimeUtc).ThenBy(e => e.EntryId).LastOrDefault();
        var successes = entries.Where(e => e.Status == BackupEntryStatus.Success).ToList();
        if (windowId is not null) return new(cycle, CycleOutcome.Excluded, false, false, windowId, latest?.Status);
        if (successes.Count > 0)
            return new(cycle, CycleOutcome.Success, successes.Any(e => e.ContentCheck == ContentCheck.Passed),
                successes.Any(e => drilled.Contains(e.EntryId)), null, BackupEntryStatus.Success);
        var outcome = latest is { Status: not BackupEntryStatus.Missing } ? CycleOutcome.Failed : CycleOutcome.Missing;
        return new(cycle, outcome, false, false, null, latest?.Status);
    }

    /// <summary>Whether the window covered the cycle's expected time while it existed (SPEC §12: a window removed later still counts).</summary>
    public static bool Covered(MaintenanceWindow window, DateTime cycleUtc, DateTime deadlineUtc) =>
        window.CreatedAtUtc <= deadlineUtc && (window.RemovedAtUtc is null || cycleUtc < window.RemovedAtUtc)
        && MaintenanceCoverage.IsOpen(window, cycleUtc);

    /// <summary>Success ÷ owed as a percentage rounded half up to one decimal; null when nothing was owed.</summary>
    public static decimal? Percent(int success, int owed) =>
        owed <= 0 ? null : Math.Round(1000m * success / owed, MidpointRounding.AwayFromZero) / 10m;

    /// <summary>
    /// The job's watched periods: those kept (SPEC §12), else — a job written before periods were kept, or straight
    /// into the database — one from when it was last (re)activated, open while it is active.
    /// </summary>
    public static IReadOnlyList<WatchedPeriod> PeriodsOf(ExpectedBackupJob job, IEnumerable<JobActivePeriod> kept, int defaultGraceMinutes)
    {
        var periods = kept.Where(p => p.ExpectedJobId == job.Id).OrderBy(p => p.FromUtc).ToList();
        if (periods.Count == 0)
            return job.IsActive ? [Watched(job, job.WatchedSinceUtc, null, defaultGraceMinutes)] : [];
        return periods.Select(p => Watched(p.AsJob(job), p.FromUtc, p.UntilUtc, defaultGraceMinutes)).ToList();
    }

    private static WatchedPeriod Watched(ExpectedBackupJob asScheduled, DateTime from, DateTime? until, int defaultGraceMinutes)
    {
        var schedule = Schedule.TryOf(asScheduled);
        var grace = schedule is null ? 0 : Decisions.Cycles.GraceMinutes(schedule, asScheduled.GraceMinutes, defaultGraceMinutes);
        return new WatchedPeriod(from, until, schedule, grace);
    }

    /// <summary>
    /// How far outside a span entries can still belong to its cycles: half the gap to the neighbouring occurrence,
    /// bounded here by the schedules' shortest gap (×1.5, plus a day), at most 16 days (a monthly schedule).
    /// </summary>
    public static TimeSpan EntryMargin(IEnumerable<WatchedPeriod> periods)
    {
        var widest = periods.Where(p => p.Schedule is not null).Select(p => p.Schedule!.ShortestGap).DefaultIfEmpty(TimeSpan.FromDays(1)).Max();
        var margin = widest * 1.5 + TimeSpan.FromDays(1);
        return margin > TimeSpan.FromDays(16) ? TimeSpan.FromDays(16) : margin;
    }

    /// <summary>The dashboard's window: the cycles of the last <paramref name="days"/> days (T after now − days).</summary>
    public static (DateTime FromUtc, DateTime ToUtc) Window(DateTime nowUtc, int days = Days) => (nowUtc.AddDays(-days).AddTicks(1), nowUtc.AddTicks(1));

    /// <summary>Per UTC day of the cycles, across jobs: the company picture (excluded cycles are not owed).</summary>
    public static IReadOnlyList<ComplianceDay> Daily(IEnumerable<IReadOnlyList<JobCycle>> jobs, DateTime nowUtc, int days = Days)
    {
        var verified = new Dictionary<DateTime, int>();
        var owed = new Dictionary<DateTime, int>();
        foreach (var cycle in jobs.SelectMany(c => c).Where(c => c.Outcome != CycleOutcome.Excluded))
        {
            owed[cycle.CycleUtc.Date] = owed.GetValueOrDefault(cycle.CycleUtc.Date) + 1;
            if (cycle.Outcome == CycleOutcome.Success) verified[cycle.CycleUtc.Date] = verified.GetValueOrDefault(cycle.CycleUtc.Date) + 1;
        }
        var today = nowUtc.Date;
        return Enumerable.Range(0, days).Select(i => today.AddDays(i - days + 1))
            .Select(day => new ComplianceDay(day, verified.GetValueOrDefault(day), owed.GetValueOrDefault(day))).ToList();
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
