using BackupMonitor.Decisions;
using BackupMonitor.MonthlyReports;

namespace BackupMonitor.Tests.Decisions;

/// <summary>The shared compliance computation (SPEC §12) on hand-made facts.</summary>
public sealed class ComplianceTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    internal static ExpectedBackupJob Job(int hour = 2, DateTime? created = null, int? grace = null, string? schedule = null, string zone = "UTC", string company = "A") => new()
    {
        Id = 1, CompanyName = company, City = "B", Neighborhood = "C", DatabaseName = "d", AgentIdResponsible = "A_B_C",
        ExpectedHourUtc = schedule is null ? hour : null, ExpectedMinuteUtc = schedule is null ? 0 : null, ScheduleExpression = schedule, TimeZone = zone,
        GraceMinutes = grace, CreatedAtUtc = created ?? Now.AddYears(-1),
    };

    private static ComplianceFacts Facts(ExpectedBackupJob job, IReadOnlyList<CycleEntry> entries, IReadOnlyList<JobActivePeriod>? periods = null, IReadOnlySet<int>? drilled = null) =>
        new(job, Compliance.PeriodsOf(job, periods ?? [], 60), entries, drilled ?? ComplianceFacts.NoDrills);

    [Fact]
    public void The_30_day_window_counts_the_cycles_whose_deadline_passed()
    {
        var (from, to) = Compliance.Window(Now);
        var cycles = Compliance.Cycles(Facts(Job(2), []), [], from, to, Now);
        Assert.Equal(30, cycles.Count);
        Assert.Equal(Now.Date.AddHours(2), cycles[^1].CycleUtc);
        // 11:30 + 60 min grace has not passed at 12:00: the window ends with yesterday's.
        Assert.Equal(Now.Date.AddDays(-1).AddHours(11).AddMinutes(30),
            Compliance.Cycles(Facts(WithMinute(Job(11), 30), []), [], from, to, Now)[^1].CycleUtc);
    }

    private static ExpectedBackupJob WithMinute(ExpectedBackupJob job, int minute)
    {
        job.ExpectedMinuteUtc = minute;
        return job;
    }

    [Fact]
    public void A_job_registered_ten_days_ago_owes_only_the_cycles_expected_since()
    {
        var (from, to) = Compliance.Window(Now);
        Assert.Equal(10, Compliance.Cycles(Facts(Job(2, Now.Date.AddDays(-10).AddHours(3)), []), [], from, to, Now).Count);
        // Registered at 01:59: that day's 02:00 is owed.
        Assert.Equal(11, Compliance.Cycles(Facts(Job(2, Now.Date.AddDays(-10).AddHours(1).AddMinutes(59)), []), [], from, to, Now).Count);
    }

    [Fact]
    public void Several_successes_in_one_cycle_count_once_and_a_later_failure_does_not_undo_a_success()
    {
        var job = Job(2, Now.AddDays(-5).AddHours(-3));
        var entries = new CycleEntry[]
        {
            new(Now.Date.AddHours(2), 1, BackupEntryStatus.Success, ContentCheck.Passed), new(Now.Date.AddHours(3), 2, BackupEntryStatus.Success),
            new(Now.Date.AddHours(4), 3, BackupEntryStatus.Failed),
            new(Now.Date.AddDays(-1).AddHours(2), 4, BackupEntryStatus.Failed),
            new(Now.Date.AddDays(-2).AddHours(2), 5, BackupEntryStatus.Missing),
            new(Now.Date.AddDays(-3).AddHours(2), 6, BackupEntryStatus.Missing), new(Now.Date.AddDays(-3).AddHours(9), 7, BackupEntryStatus.HashMismatch),
        };
        var (from, to) = Compliance.Window(Now);
        var counts = ComplianceCounts.Of(Compliance.Cycles(Facts(job, entries, drilled: new HashSet<int> { 2 }), [], from, to, Now));
        Assert.Equal(new ComplianceCounts(Expected: 5, Excluded: 0, Success: 1, ContentPassed: 1, Drilled: 1, Missing: 2, Failed: 2), counts);
        Assert.Equal(20.0m, counts.Percent);
    }

    [Theory]
    [InlineData(2, 3, 66.7)]
    [InlineData(1, 3, 33.3)]
    [InlineData(1, 8, 12.5)]   // exactly half-way below: 12.5
    [InlineData(1, 16, 6.3)]   // 6.25 rounds half up
    [InlineData(999, 1000, 99.9)]
    [InlineData(1999, 2000, 100.0)] // 99.95 rounds half up
    [InlineData(0, 5, 0.0)]
    public void Compliance_is_rounded_half_up_to_one_decimal(int success, int owed, double expected) =>
        Assert.Equal((decimal)expected, Compliance.Percent(success, owed));

    [Fact]
    public void Nothing_owed_gives_no_compliance() => Assert.Null(Compliance.Percent(0, 0));

    [Fact]
    public void A_window_removed_later_still_excludes_the_cycles_it_covered_and_one_added_afterwards_excludes_nothing()
    {
        var job = Job(2);
        var removed = new MaintenanceWindow { Id = 3, FromUtc = Now.AddDays(-10), UntilUtc = Now.AddDays(10), CreatedAtUtc = Now.AddDays(-11), RemovedAtUtc = Now.Date.AddDays(-5).AddHours(3) };
        var late = new MaintenanceWindow { Id = 4, Company = "A", FromUtc = Now.AddDays(-20), UntilUtc = Now.AddDays(-15), CreatedAtUtc = Now };
        var (from, to) = Compliance.Window(Now);
        var cycles = Compliance.Cycles(Facts(job, []), [removed, late], from, to, Now);
        Assert.Equal(5, cycles.Count(c => c.Outcome == CycleOutcome.Excluded));
        Assert.All(cycles.Where(c => c.Outcome == CycleOutcome.Excluded), c => Assert.Equal(3, c.ExcludedByWindowId));
    }

    [Fact]
    public void A_schedule_change_keeps_the_old_schedule_for_the_days_before_it()
    {
        var job = Job(schedule: "0 */6 * * *");
        var change = Now.Date.AddDays(-3);
        JobActivePeriod[] periods =
        [
            new() { ExpectedJobId = 1, FromUtc = Now.AddYears(-1), UntilUtc = change, ExpectedHourUtc = 2, ExpectedMinuteUtc = 0 },
            new() { ExpectedJobId = 1, FromUtc = change, ScheduleExpression = "0 */6 * * *" },
        ];
        var (from, to) = Compliance.Window(Now);
        var cycles = Compliance.Cycles(Facts(job, [], periods), [], from, to, Now);
        // 26 daily cycles before the change (Oct 25 – Nov 19), then four a day: 3 × 4 + today's 00:00 and 06:00 (12:00's deadline has not passed).
        Assert.Equal(26 + 12 + 2, cycles.Count);
    }

    [Fact]
    public void A_month_report_sums_its_jobs_per_company_in_ordinal_order()
    {
        var zone = TimeZoneInfo.Utc;
        var b = Job(company: "beta");
        var a1 = Job(company: "Alpha");
        var a2 = Job(hour: 3, company: "Alpha");
        a2.Id = 2;
        var month = new ReportMonth(2026, 10);
        var facts = new[] { b, a1, a2 }.Select(j => Facts(j, [new(new DateTime(2026, 10, 5, 2, 5, 0, DateTimeKind.Utc), 10 + j.Id, BackupEntryStatus.Success)])).ToList();
        var report = MonthlyReport.Build(month, zone, facts, [], Now);
        Assert.Equal(["Alpha", "beta"], report.Companies.Select(c => c.Company));
        Assert.Equal(62, report.Companies[0].Counts.Expected);
        Assert.Equal([1, 2], report.Companies[0].Jobs.Select(j => j.JobId));
        Assert.Equal(3.2m, report.Companies[1].Counts.Percent); // 1 of 31
    }
}
