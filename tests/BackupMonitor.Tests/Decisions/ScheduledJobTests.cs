using BackupMonitor.Dashboard;
using BackupMonitor.Domain;
using BackupMonitor.Jobs;

namespace BackupMonitor.Tests.Decisions;

/// <summary>A scheduled job as users write it and read it: validation, the 30-day strip, the schedule in words (pure).</summary>
public class ScheduledJobTests
{
    private static NewJob Job(int? hour = null, int? minute = null, string? schedule = null, string? zone = null, int? grace = null) =>
        new("ACME", "Paris", "Centre", "sales", hour, minute, null, grace, schedule, zone);

    private static ExpectedBackupJob Scheduled(string cron, string zone) => new()
    {
        Id = 1, CompanyName = "ACME", City = "Paris", Neighborhood = "Centre", DatabaseName = "sales", AgentIdResponsible = "ACME_Paris_Centre",
        ScheduleExpression = cron, TimeZone = zone, CreatedAtUtc = new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc),
    };

    [Fact]
    public void A_schedule_replaces_hour_and_minute_which_become_null()
    {
        var request = Job(schedule: "0 2 * * 1-5", zone: "Europe/Paris");
        Assert.Empty(request.Problems());
        var job = request.ToJob(DateTime.UnixEpoch);
        Assert.Null(job.ExpectedHourUtc);
        Assert.Null(job.ExpectedMinuteUtc);
        Assert.Equal(("0 2 * * 1-5", "Europe/Paris"), (job.ScheduleExpression, job.TimeZone));
        Assert.Equal("UTC", Job(2, 0).ToJob(DateTime.UnixEpoch).TimeZone);
    }

    [Theory]
    [InlineData(2, 0, "0 2 * * *", null, null, "schedule: give either a schedule or expected_hour_utc/expected_minute_utc, not both")]
    [InlineData(null, null, "*/15 * * * *", null, 15, "grace_minutes: must be shorter than the schedule's shortest gap between two occurrences (15 minutes), got 15")]
    [InlineData(null, null, "0 */4 * * *", "Europe/Paris", 180, "grace_minutes: must be shorter than the schedule's shortest gap between two occurrences (180 minutes), got 180")]
    [InlineData(2, 0, null, "Europe/Paris", null, "time_zone: only applies to a schedule")]
    [InlineData(null, null, "0 2 30 2 *", null, null, "schedule: '0 2 30 2 *' never fires")]
    [InlineData(null, null, "0 2 * * *", "Mars/Olympus", null, "time_zone: unknown time zone 'Mars/Olympus'")]
    public void A_bad_schedule_request_names_the_field(int? hour, int? minute, string? schedule, string? zone, int? grace, string problem)
    {
        var problems = Job(hour, minute, schedule, zone, grace).Problems();
        Assert.Contains(problems, p => p.StartsWith(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void A_weekdays_strip_shows_weekend_days_without_a_cycle()
    {
        var job = Scheduled("0 2 * * 1-5", "Europe/Paris");
        var now = new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc); // a Monday
        var strip = HistoryStrip.Build(job, [new StripEntry(1, new DateTime(2026, 11, 27, 1, 5, 0, DateTimeKind.Utc), 9, BackupEntryStatus.Success)], now);

        Assert.Equal(HistoryStrip.Days, strip.Count);
        Assert.Equal(new DateOnly(2026, 11, 30), strip[^1].Date);
        var saturday = strip.Single(d => d.Date == new DateOnly(2026, 11, 28));
        Assert.False(saturday.HasCycle);
        var friday = strip.Single(d => d.Date == new DateOnly(2026, 11, 27));
        Assert.Equal(BackupEntryStatus.Success, friday.Status);
        Assert.Equal(9, strip.Count(d => !d.HasCycle)); // 1-30 November 2026: Sunday the 1st and four weekends
    }

    [Fact]
    public void An_every_four_hours_strip_shows_six_cycles_a_day()
    {
        var job = Scheduled("0 */4 * * *", "UTC");
        var now = new DateTime(2026, 11, 23, 12, 30, 0, DateTimeKind.Utc);
        var entries = new[]
        {
            new StripEntry(1, new DateTime(2026, 11, 22, 4, 10, 0, DateTimeKind.Utc), 1, BackupEntryStatus.Success),
            new StripEntry(1, new DateTime(2026, 11, 22, 8, 0, 0, DateTimeKind.Utc), 2, BackupEntryStatus.Missing),
        };
        var strip = HistoryStrip.Build(job, entries, now);

        Assert.Equal(6, strip[^2].Cycles.Count);
        Assert.Equal(4, strip[^1].Cycles.Count); // 00:00 to 12:00, the current cycle last
        Assert.Equal(BackupEntryStatus.Missing, strip[^2].Status); // the day shows what went wrong
        Assert.Equal(BackupEntryStatus.Success, strip[^2].Cycles[1].Status);
    }

    [Theory]
    [InlineData("0 2 * * 1-5", "At 02:00 on Monday–Friday")]
    [InlineData("0 */4 * * *", "At minute 00 of every 4 hours")]
    [InlineData("0 3 1 * *", "At 03:00 on day 1 of the month")]
    [InlineData("*/15 * * * *", "Every 15 minutes")]
    [InlineData("30 2 * * *", "At 02:30 every day")]
    [InlineData("0 2,14 * * *", "At 02:00 and 14:00 every day")]
    [InlineData("0 2 * * MON,WED,FRI", "At 02:00 on Monday, Wednesday and Friday")]
    public void Common_schedules_are_said_in_words(string cron, string words)
    {
        Assert.Equal(words, ScheduleWords.English.DescribeCron(cron));
    }

    [Theory]
    [InlineData("0 2 * * 1-5", "À 02:00 du lundi au vendredi")]
    [InlineData("0 3 1 * *", "À 03:00 le 1 du mois")]
    [InlineData("0 2 * * 6,0", "À 02:00 le samedi et dimanche")]
    public void French_says_them_in_French(string cron, string words)
    {
        Assert.Equal(words, ScheduleWords.French.DescribeCron(cron));
    }

    [Fact]
    public void An_unusual_schedule_is_shown_as_written_with_its_zone()
    {
        Assert.Null(ScheduleWords.English.DescribeCron("0 2 1-7 * 1"));
        Assert.Equal("0 2 1-7 * 1 (Europe/Paris)", ScheduleWords.English.Describe(Scheduled("0 2 1-7 * 1", "Europe/Paris")));
        Assert.Equal("At 02:00 on Monday–Friday (Europe/Paris)", ScheduleWords.English.Describe(Scheduled("0 2 * * 1-5", "Europe/Paris")));
    }
}
