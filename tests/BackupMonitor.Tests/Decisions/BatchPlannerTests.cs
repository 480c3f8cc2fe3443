using BackupMonitor.Decisions;
using BackupMonitor.Reports;

namespace BackupMonitor.Tests.Decisions;

/// <summary>A batch's plan, decided before any file is touched: each line's step, the lines no job claims, the missed cycles.</summary>
public sealed class BatchPlannerTests
{
    private const string Agent = "ACME_Paris_Centre";
    private static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Today0210 = new(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc);

    private static ExpectedBackupJob Job(int id, string database, string? schedule = null, string zone = "UTC", int hour = 2) => new()
    {
        Id = id, CompanyName = "ACME", City = "Paris", Neighborhood = "Centre", DatabaseName = database, AgentIdResponsible = Agent,
        ExpectedHourUtc = schedule is null ? hour : null, ExpectedMinuteUtc = schedule is null ? 0 : null, ScheduleExpression = schedule, TimeZone = zone,
        CreatedAtUtc = Now.AddDays(-30),
    };

    private static ReportLine Line(string database, DateTime at) =>
        new(database, AgentLineStatus.Success, at, $"{database}.sql.gz", new string('a', 64), 8, null, null, null, null, null, null, null, null);

    private static CollectedReport Report(string name, params ReportLine[] lines) =>
        new(Agent, $"/staging/{Agent}/log/{name}", name, name.GetHashCode().ToString("x"), new StatusReport(Agent, Now, lines));

    private static BatchPlan Plan(IReadOnlyList<ExpectedBackupJob> jobs, IReadOnlyList<CollectedReport> reports,
        Dictionary<(int, DateTime), BackupEntry>? recorded = null, HashSet<(int, DateTime)>? covered = null) =>
        BatchPlanner.Plan(new BatchFacts(jobs, reports, recorded ?? [], covered ?? [], Now, 60));

    [Fact]
    public void Lines_are_grouped_by_job_in_order_of_first_appearance_and_oldest_first()
    {
        ExpectedBackupJob sales = Job(1, "sales"), hr = Job(2, "hr");
        var plan = Plan([sales, hr], [
            Report("b.json", Line("hr", Today0210), Line("sales", Today0210)),
            Report("a.json", Line("hr", Today0210.AddDays(-1))),
        ]);

        Assert.Equal([(2, Today0210.AddDays(-1)), (2, Today0210), (1, Today0210)], plan.Lines.Select(l => (l.Job.Id, l.Line.OperationTimestampUtc)));
        Assert.All(plan.Lines, l => Assert.Equal(LineStep.Record, l.Step));
        Assert.Equal("a.json", plan.Lines[0].Report.FileName);
    }

    [Fact]
    public void A_line_no_active_job_claims_is_unmatched_and_nothing_else()
    {
        var report = Report("r.json", Line("ghost", Today0210));
        var plan = Plan([Job(1, "sales")], [report]);

        Assert.Empty(plan.Lines);
        Assert.Equal([(report, report.Report.Databases[0])], plan.Unmatched);
    }

    [Fact]
    public void A_recorded_line_is_only_tidied_and_a_repeated_line_stands_on_the_first()
    {
        var sales = Job(1, "sales");
        var earlier = new BackupEntry { Id = 7, ExpectedJobId = 1, AgentReportTimestampUtc = Today0210.AddDays(-1) };
        var plan = Plan([sales], [Report("r.json", Line("sales", Today0210.AddDays(-1)), Line("sales", Today0210), Line("sales", Today0210))],
            recorded: new() { [(1, Today0210.AddDays(-1))] = earlier });

        Assert.Equal([LineStep.AlreadyRecorded, LineStep.Record, LineStep.RepeatsEarlierLine], plan.Lines.Select(l => l.Step));
        Assert.Same(earlier, plan.Lines[0].Recorded);
    }

    [Fact]
    public void Every_due_cycle_without_an_entry_or_a_line_of_this_batch_is_missed_once()
    {
        var sales = Job(1, "sales");
        sales.CreatedAtUtc = Now.AddDays(-2).AddHours(-12); // 3 due cycles: the 21st (recorded), 22nd, 23rd (this batch's line) at 02:00
        var covered = new HashSet<(int, DateTime)> { (1, Today0210.Date.AddDays(-2).AddHours(2)) };

        var plan = Plan([sales], [Report("r.json", Line("sales", Today0210))], covered: covered);

        var missed = Assert.Single(plan.Missed);
        Assert.Equal((sales, Today0210.Date.AddDays(-1).AddHours(2), 60), (missed.Job, missed.CycleUtc, missed.GraceMinutes));
    }

    [Fact]
    public void A_job_whose_schedule_cannot_be_read_is_named_and_owes_no_missed_cycle()
    {
        var broken = Job(2, "hr", schedule: "not a cron");
        var plan = Plan([Job(1, "sales"), broken], []);

        Assert.Equal([broken], plan.UnreadableSchedules);
        Assert.All(plan.Missed, m => Assert.Equal(1, m.Job.Id));
    }

    [Fact]
    public void Recorded_entries_cover_the_cycle_of_their_line_or_their_own()
    {
        ExpectedBackupJob daily = Job(1, "sales"), hourly = Job(2, "txlog", schedule: "0 * * * *");
        var covered = BatchPlanner.CoveredCycles([daily, hourly], [
            (1, Today0210, null),
            (1, null, Today0210.Date.AddDays(-1).AddHours(2)),
            (2, Today0210, null),
            (3, Today0210, null), // not one of these jobs
        ]);

        Assert.Equal(new HashSet<(int, DateTime)>
        {
            (1, Today0210.Date.AddHours(2)), (1, Today0210.Date.AddDays(-1).AddHours(2)), (2, Today0210.Date.AddHours(2)),
        }, covered);
    }

    [Fact]
    public void Entries_are_read_back_far_enough_for_every_schedule()
    {
        var since = BatchPlanner.CoverSince([Job(1, "sales"), Job(2, "monthly", schedule: "0 3 1 * *")], Now);

        Assert.True(since <= Now - Cycles.MissingLookback - TimeSpan.FromDays(2));
        Assert.True(since <= Cycles.OldestBelonging(Schedule.Cron("0 3 1 * *", "UTC"), Now));
    }
}
