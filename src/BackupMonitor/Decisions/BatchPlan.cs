using BackupMonitor.Domain;
using BackupMonitor.Reports;

namespace BackupMonitor.Decisions;

/// <summary>What a scan does with one report line of a batch.</summary>
public enum LineStep
{
    /// <summary>New: its staged file is inspected, the entry decided and recorded.</summary>
    Record,
    /// <summary>An earlier scan recorded it (and was interrupted before archiving the report): only its leftovers are tidied.</summary>
    AlreadyRecorded,
    /// <summary>A second line of the same job for the same time: the first one's entry stands for it.</summary>
    RepeatsEarlierLine,
}

/// <summary>One report line matched to its job, with what to do with it and, when recorded already, its entry.</summary>
public sealed record PlannedLine(ExpectedBackupJob Job, ReportLine Line, CollectedReport Report, LineStep Step, BackupEntry? Recorded = null);

/// <summary>A missed cycle to record as a `missing` entry (SPEC §5 schedules).</summary>
public sealed record MissedCycle(ExpectedBackupJob Job, DateTime CycleUtc, int GraceMinutes);

/// <summary>
/// Every decision a batch needs before its files are touched: each line's step (in recording order: jobs in the
/// order their first line appears, each job's lines oldest first so that the newest sets its status), the lines no
/// active job claims, the cycles missed, and the jobs whose schedule cannot be read.
/// </summary>
public sealed record BatchPlan(
    IReadOnlyList<PlannedLine> Lines,
    IReadOnlyList<(CollectedReport Report, ReportLine Line)> Unmatched,
    IReadOnlyList<MissedCycle> Missed,
    IReadOnlyList<ExpectedBackupJob> UnreadableSchedules);

/// <summary>The facts a batch is planned from, all loaded before planning (<see cref="BatchPlanner.Plan"/>).</summary>
/// <param name="Jobs">The active jobs of the batch's agents.</param>
/// <param name="Reports">The batch's valid reports, in the order they were read.</param>
/// <param name="Recorded">Entries already recorded for the batch's lines, by job and operation time.</param>
/// <param name="RecordedCycles">(job, cycle) pairs that already have an entry (<see cref="BatchPlanner.CoveredCycles"/>).</param>
public sealed record BatchFacts(
    IReadOnlyList<ExpectedBackupJob> Jobs,
    IReadOnlyList<CollectedReport> Reports,
    IReadOnlyDictionary<(int JobId, DateTime OperationUtc), BackupEntry> Recorded,
    IReadOnlySet<(int JobId, DateTime CycleUtc)> RecordedCycles,
    DateTime NowUtc,
    int DefaultGraceMinutes);

/// <summary>Plans a batch (pure): see <see cref="BatchPlan"/>.</summary>
public static class BatchPlanner
{
    public static BatchPlan Plan(BatchFacts facts)
    {
        var byKey = facts.Jobs.ToDictionary(j => (j.AgentIdResponsible, j.DatabaseName));
        var perJob = new Dictionary<ExpectedBackupJob, List<(ReportLine Line, CollectedReport Report)>>();
        var order = new List<ExpectedBackupJob>();
        var unmatched = new List<(CollectedReport, ReportLine)>();
        foreach (var report in facts.Reports)
        {
            foreach (var line in report.Report.Databases)
            {
                if (!byKey.TryGetValue((report.AgentId, line.DbName), out var job))
                {
                    unmatched.Add((report, line));
                    continue;
                }
                if (!perJob.TryGetValue(job, out var lines)) { perJob[job] = lines = []; order.Add(job); }
                lines.Add((line, report));
            }
        }

        var planned = new List<PlannedLine>();
        var covered = new HashSet<(int, DateTime)>(facts.RecordedCycles);
        foreach (var job in order)
        {
            var seen = new HashSet<DateTime>();
            var schedule = Schedule.TryOf(job);
            foreach (var (line, report) in perJob[job].OrderBy(l => l.Line.OperationTimestampUtc))
            {
                var time = line.OperationTimestampUtc;
                if (facts.Recorded.TryGetValue((job.Id, time), out var recorded))
                    planned.Add(new PlannedLine(job, line, report, LineStep.AlreadyRecorded, recorded));
                else if (!seen.Add(time))
                    planned.Add(new PlannedLine(job, line, report, LineStep.RepeatsEarlierLine));
                else
                {
                    planned.Add(new PlannedLine(job, line, report, LineStep.Record));
                    covered.Add((job.Id, schedule is null ? time : Cycles.CycleOf(time, schedule)));
                }
            }
        }

        var missed = new List<MissedCycle>();
        var unreadable = new List<ExpectedBackupJob>();
        foreach (var job in facts.Jobs)
        {
            if (Schedule.TryOf(job) is not { } schedule)
            {
                unreadable.Add(job);
                continue;
            }
            var grace = Cycles.GraceMinutes(schedule, job.GraceMinutes, facts.DefaultGraceMinutes);
            foreach (var cycle in Cycles.DueCycles(schedule, grace, job.WatchedSinceUtc, facts.NowUtc))
                if (!covered.Contains((job.Id, cycle))) missed.Add(new MissedCycle(job, cycle, grace));
        }
        return new BatchPlan(planned, unmatched, missed, unreadable);
    }

    /// <summary>
    /// The oldest time an entry can have and still cover a cycle a scan at <paramref name="nowUtc"/> examines: the
    /// store reads the entries of the batch's jobs since then (<see cref="CoveredCycles"/>).
    /// </summary>
    public static DateTime CoverSince(IEnumerable<ExpectedBackupJob> jobs, DateTime nowUtc) =>
        jobs.Select(Schedule.TryOf).OfType<Schedule>().Where(s => !s.IsDailyUtc).Distinct().Select(s => Cycles.OldestBelonging(s, nowUtc))
            .Append(nowUtc - Cycles.MissingLookback - TimeSpan.FromDays(2)).Min();

    /// <summary>(job, cycle) pairs covered by recorded entries: a line belongs to its nearest cycle, a missing entry names its own.</summary>
    public static HashSet<(int JobId, DateTime CycleUtc)> CoveredCycles(
        IEnumerable<ExpectedBackupJob> jobs, IEnumerable<(int JobId, DateTime? ReportedUtc, DateTime? CycleUtc)> entries)
    {
        var schedules = jobs.Select(j => (j.Id, Schedule: Schedule.TryOf(j))).Where(j => j.Schedule is not null).ToDictionary(j => j.Id, j => j.Schedule!);
        var covered = new HashSet<(int, DateTime)>();
        foreach (var (jobId, reported, cycle) in entries)
        {
            if (!schedules.TryGetValue(jobId, out var schedule)) continue;
            var covers = cycle ?? (reported is { } time ? Cycles.CycleOf(time, schedule) : null);
            if (covers is { } c) covered.Add((jobId, c));
        }
        return covered;
    }
}
