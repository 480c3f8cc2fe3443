using BackupMonitor.Decisions;
using BackupMonitor.Domain;

namespace BackupMonitor.Tests.Decisions;

/// <summary>SPEC §6.3 windows: one-off [from, until), recurring cron occurrences plus a duration in their zone, matchers, and the follow-up after the end.</summary>
public sealed class MaintenanceCoverageTests
{
    private static readonly DateTime From = new(2026, 12, 5, 22, 0, 0, DateTimeKind.Utc);

    private static ExpectedBackupJob Job(string company = "ACME", string city = "Lyon", string database = "stock") =>
        new() { CompanyName = company, City = city, Neighborhood = "Centre", DatabaseName = database, AgentIdResponsible = $"{company}_{city}_Centre" };

    [Fact]
    public void A_one_off_window_covers_from_its_start_up_to_but_not_at_its_end()
    {
        var window = new MaintenanceWindow { Id = 1, FromUtc = From, UntilUtc = From.AddHours(6) };
        Assert.False(MaintenanceCoverage.IsOpen(window, From.AddTicks(-1)));
        Assert.True(MaintenanceCoverage.IsOpen(window, From));
        Assert.True(MaintenanceCoverage.IsOpen(window, From.AddHours(6).AddTicks(-1)));
        Assert.False(MaintenanceCoverage.IsOpen(window, From.AddHours(6)));
        Assert.Null(MaintenanceCoverage.LastEnd(window, From.AddHours(5)));
        Assert.Equal(From.AddHours(6), MaintenanceCoverage.LastEnd(window, From.AddHours(6)));
    }

    [Fact]
    public void A_recurring_window_follows_its_zone_across_daylight_saving()
    {
        // Saturdays 02:00–04:00 in Paris: 01:00–03:00 UTC in winter, 00:00–02:00 UTC in summer.
        var window = new MaintenanceWindow { Id = 2, ScheduleExpression = "0 2 * * 6", DurationMinutes = 120, TimeZone = "Europe/Paris" };
        var winter = new DateTime(2026, 12, 5, 0, 0, 0, DateTimeKind.Utc);
        var summer = new DateTime(2026, 7, 4, 0, 0, 0, DateTimeKind.Utc);
        Assert.False(MaintenanceCoverage.IsOpen(window, winter.AddMinutes(59)));
        Assert.Equal((winter.AddHours(1), winter.AddHours(3)), MaintenanceCoverage.Occurrence(window, winter.AddHours(1)));
        Assert.True(MaintenanceCoverage.IsOpen(window, winter.AddHours(3).AddTicks(-1)));
        Assert.False(MaintenanceCoverage.IsOpen(window, winter.AddHours(3)));
        Assert.True(MaintenanceCoverage.IsOpen(window, summer));
        Assert.False(MaintenanceCoverage.IsOpen(window, summer.AddHours(2)));
        Assert.False(MaintenanceCoverage.IsOpen(window, winter.AddDays(1).AddHours(2))); // a Sunday
        Assert.Equal(winter.AddHours(3), MaintenanceCoverage.LastEnd(window, winter.AddHours(10)));
        Assert.Equal(winter.AddHours(3), MaintenanceCoverage.LastEnd(window, winter.AddHours(3)));
        Assert.Null(MaintenanceCoverage.LastEnd(window, winter.AddDays(4))); // beyond the follow-up horizon
    }

    [Fact]
    public void Every_minute_of_a_week_is_covered_exactly_when_an_occurrence_contains_it()
    {
        var window = new MaintenanceWindow { Id = 3, ScheduleExpression = "30 */6 * * *", DurationMinutes = 45, TimeZone = "America/New_York" };
        var start = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc); // includes the November daylight-saving change
        var occurrences = Schedule.Cron("30 */6 * * *", "America/New_York").Between(start.AddDays(-1), start.AddDays(8));
        for (var t = start; t < start.AddDays(7); t = t.AddMinutes(1))
        {
            var expected = occurrences.Any(o => o <= t && t < o.AddMinutes(45));
            Assert.True(expected == MaintenanceCoverage.IsOpen(window, t), $"{t:O}");
        }
    }

    [Fact]
    public void Matchers_are_those_of_routes_and_none_means_every_job()
    {
        var open = new MaintenanceWindow { Id = 4, FromUtc = From, UntilUtc = From.AddHours(1) };
        Assert.True(MaintenanceCoverage.Matches(open, Job()));
        Assert.True(MaintenanceCoverage.Matches(new MaintenanceWindow { City = "Ly*" }, Job()));
        Assert.False(MaintenanceCoverage.Matches(new MaintenanceWindow { City = "lyon" }, Job()));
        Assert.False(MaintenanceCoverage.Matches(new MaintenanceWindow { Company = "ACME", Database = "sales" }, Job()));
        Assert.True(MaintenanceCoverage.Matches(new MaintenanceWindow { Agent = "ACME_*_Centre" }, Job()));
        var windows = new[] { new MaintenanceWindow { Id = 9, FromUtc = From, UntilUtc = From.AddHours(1) }, open, new MaintenanceWindow { Id = 1, City = "Paris", FromUtc = From, UntilUtc = From.AddHours(1) } };
        Assert.Equal([4, 9], MaintenanceCoverage.Covering(windows, Job(), From).Select(w => w.Id));
    }

    [Fact]
    public void A_stored_schedule_that_no_longer_parses_covers_nothing()
    {
        var window = new MaintenanceWindow { Id = 5, ScheduleExpression = "not cron", DurationMinutes = 60 };
        Assert.False(MaintenanceCoverage.IsOpen(window, From));
        Assert.Null(MaintenanceCoverage.LastEnd(window, From));
    }

    [Theory]
    [InlineData(JobStatus.Failed, false, 59, false)]
    [InlineData(JobStatus.Failed, false, 60, true)]
    [InlineData(JobStatus.Missing, false, 600, true)]
    [InlineData(JobStatus.Failed, true, 600, false)]   // another window covers it now
    [InlineData(JobStatus.Ok, false, 600, false)]
    [InlineData(JobStatus.Unknown, false, 600, false)]
    public void After_a_window_a_job_still_failing_one_grace_period_later_gets_its_alert(JobStatus status, bool coveredNow, int minutesAfterEnd, bool due) =>
        Assert.Equal(due, AlertPolicy.FollowUpDue(From, TimeSpan.FromMinutes(60), status, coveredNow, From.AddMinutes(minutesAfterEnd)));
}
