using BackupMonitor.Tests.Api;
using BackupMonitor.Tests.Dashboard;

namespace BackupMonitor.Tests.Drills;

/// <summary>SPEC §13 on the dashboard: the job page's last drill and chart of restore durations, the overview's share of jobs drilled within the interval.</summary>
public sealed class DashboardDrillTests
{
    [Fact]
    public async Task The_job_page_shows_its_last_drill_and_restore_durations_and_the_overview_the_share_drilled_within_the_interval()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var drilled = DashboardSeed.Job("ACME", "Paris", "Centre", "sales", JobStatus.Ok);
        var never = DashboardSeed.Job("ACME", "Paris", "Centre", "hr", JobStatus.Ok);
        await host.SeedAsync(db => { db.Jobs.AddRange(drilled, never); return Task.CompletedTask; });
        await host.SeedAsync(async db =>
        {
            var entry = new BackupEntry { ExpectedJobId = drilled.Id, Status = BackupEntryStatus.Success, AgentReportTimestampUtc = DashboardSeed.Now.AddDays(-3), CreatedAtUtc = DashboardSeed.Now.AddDays(-3), ValidatedPath = "a/b/c" };
            db.Entries.Add(entry);
            await db.SaveChangesAsync();
            db.Drills.Add(new Drill { JobId = drilled.Id, EntryId = entry.Id, StartedAtUtc = DashboardSeed.Now.AddDays(-20), FinishedAtUtc = DashboardSeed.Now.AddDays(-20), DurationMs = 61_000, Status = DrillStatus.Passed, Format = "pg_dump_custom", Tables = 2, Rows = 20_002 });
            db.Drills.Add(new Drill { JobId = drilled.Id, EntryId = entry.Id, StartedAtUtc = DashboardSeed.Now.AddDays(-2), FinishedAtUtc = DashboardSeed.Now.AddDays(-2), DurationMs = 42_000, Status = DrillStatus.Failed, Format = "pg_dump_custom", Detail = "pg_restore: error: could not execute query" });
        });
        var session = await host.SignedInAsync(ApiTestHost.ReadKey);

        var job = System.Net.WebUtility.HtmlDecode(await session.PageAsync($"/jobs/{drilled.Id}"));
        var overview = System.Net.WebUtility.HtmlDecode(await session.PageAsync("/"));

        Assert.Contains("<span class=\"badge st-failed\">", job[job.IndexOf("class=\"last-drill\"", StringComparison.Ordinal)..]);
        Assert.Contains("pg_restore: error: could not execute query", job);
        Assert.Contains("id=\"drill-chart\"", job);
        Assert.Contains("61 s, 2 Tables, 20,002 Rows", job);
        Assert.Matches(@"1 (of|tâches actives sur) 2", overview);
    }
}
