using BackupMonitor.Decisions;

namespace BackupMonitor.Tests.Decisions;

public sealed class ComplianceTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    private static ExpectedBackupJob Job(int hour, DateTime created, int? grace = null) => new()
    {
        Id = 1, CompanyName = "A", City = "B", Neighborhood = "C", DatabaseName = "d", AgentIdResponsible = "A_B_C",
        ExpectedHourUtc = hour, ExpectedMinuteUtc = 0, GraceMinutes = grace, CreatedAtUtc = created,
    };

    [Fact]
    public void Due_cycles_are_the_last_30_whose_time_has_come()
    {
        var cycles = Compliance.DueCycles(Job(2, Now.AddYears(-1)), Now).ToList();
        Assert.Equal(30, cycles.Count);
        Assert.Equal(Now.Date.AddHours(2), cycles[^1]);
        // 23:00 has not come yet today: the window ends with yesterday's.
        Assert.Equal(Now.Date.AddDays(-1).AddHours(23), Compliance.DueCycles(Job(23, Now.AddYears(-1)), Now).Last());
    }

    [Fact]
    public void A_job_registered_ten_days_ago_owes_only_the_cycles_since()
    {
        Assert.Equal(10, Compliance.DueCycles(Job(2, Now.Date.AddDays(-10).AddHours(3)), Now).Count());
        // A cycle whose deadline (with grace) fell after registration is owed.
        Assert.Equal(11, Compliance.DueCycles(Job(2, Now.Date.AddDays(-10).AddHours(2).AddMinutes(30), grace: 60), Now).Count());
    }

    [Fact]
    public void Several_successes_in_one_cycle_count_once_and_never_above_what_was_due()
    {
        var job = Job(2, Now.AddDays(-5).AddHours(-3));
        var times = new[] { Now.Date.AddHours(2), Now.Date.AddHours(3), Now.Date.AddDays(-1).AddHours(2), Now.AddDays(-40) };
        Assert.Equal((2, 5), Compliance.Of(job, times, Now));
        Assert.Equal((5, 5), Compliance.FromCount(job, 9, Now));
    }

    [Fact]
    public void Daily_picture_adds_up_the_jobs_of_each_day()
    {
        var a = Job(2, Now.AddYears(-1));
        var b = Job(2, Now.AddDays(-1).AddHours(-11));
        b.Id = 2;
        var times = new[] { (1, Now.Date.AddHours(2)), (2, Now.Date.AddHours(2).AddMinutes(5)), (1, Now.Date.AddDays(-3).AddHours(2)) }
            .ToLookup(t => t.Item1, t => t.Item2);
        var days = Compliance.Daily([a, b], times, Now);
        Assert.Equal(30, days.Count);
        Assert.Equal(new ComplianceDay(Now.Date, 2, 2), days[^1]);
        Assert.Equal(new ComplianceDay(Now.Date.AddDays(-1), 0, 2), days[^2]);
        Assert.Equal(new ComplianceDay(Now.Date.AddDays(-3), 1, 1), days[^4]);
        Assert.Equal(100, days[^1].Percent);
    }
}
