using System.Text.RegularExpressions;
using BackupMonitor.Tests.Api;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>A scheduled job on the dashboard: its schedule in words, its next expected time, and a strip of days with several cycles or none.</summary>
public class DashboardScheduleTests
{
    [Fact]
    public async Task Job_page_says_the_schedule_in_words_the_next_time_in_its_zone_and_utc_and_draws_each_cycle()
    {
        await using var host = await DashboardTestHost.StartAsync(); // Monday 23 November 2026, 12:00 UTC
        var weekdays = DashboardSeed.Job("ACME", "Paris", "Centre", "sales", JobStatus.Ok);
        (weekdays.ExpectedHourUtc, weekdays.ExpectedMinuteUtc, weekdays.ScheduleExpression, weekdays.TimeZone) = (null, null, "0 2 * * 1-5", "Europe/Paris");
        var hourly = DashboardSeed.Job("ACME", "Paris", "Centre", "txlog", JobStatus.Missing);
        (hourly.ExpectedHourUtc, hourly.ExpectedMinuteUtc, hourly.ScheduleExpression, hourly.TimeZone, hourly.GraceMinutes) = (null, null, "0 */4 * * *", "UTC", 30);
        await host.SeedAsync(db =>
        {
            db.Jobs.AddRange(weekdays, hourly);
            return Task.CompletedTask;
        });
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey);

        var page = await browser.PageAsync($"/jobs/{weekdays.Id}");
        Assert.Contains("<dd class=\"schedule\">At 02:00 on Monday–Friday (Europe/Paris)</dd>", page);
        Assert.Contains(">2026-11-24 02:00 Europe/Paris (2026-11-24 01:00 UTC)</time>", page);
        Assert.Contains("<span class=\"visually-hidden\">2026-11-22: no cycle scheduled</span>", page);
        Assert.Equal(9, Regex.Matches(page, "class=\"cell st-nocycle\"").Count); // the weekends of 25 October to 23 November

        var hourlyPage = await browser.PageAsync($"/jobs/{hourly.Id}");
        Assert.Contains("At minute 00 of every 4 hours (UTC)", hourlyPage);
        Assert.Contains(">2026-11-23 12:00 UTC</time>", hourlyPage); // now is a cycle's expected time
        Assert.Equal(30, Regex.Matches(hourlyPage, "<li class=\"day\"").Count); // 29 days of six cycles, and today's four
        Assert.Contains("title=\"2026-11-23 08:00 UTC: no report\"", hourlyPage);

        var overview = await browser.PageAsync("/");
        Assert.Contains("0 */4 * * * (UTC)", overview);
    }
}
