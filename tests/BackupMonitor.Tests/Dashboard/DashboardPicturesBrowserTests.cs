using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>
/// The pictures in headless Chromium: the pages come from an in-memory `serve` seeded with months of history (the demo
/// has a day), each request of the browser answered by it, so Chromium applies the real stylesheet and security headers.
/// </summary>
public sealed class DashboardPicturesBrowserTests(DashboardServer server, ITestOutputHelper output) : IClassFixture<DashboardServer>
{
    private const string Origin = "http://dashboard.test";

    private async Task<IPage> PageOnAsync(DashboardTestHost host, int width = 1280)
    {
        var browser = await host.SignedInAsync(Api.ApiTestHost.ReadKey);
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "en-GB", ViewportSize = new ViewportSize { Width = width, Height = 900 },
        });
        var page = await context.NewPageAsync();
        await page.RouteAsync(Origin + "/**", async route =>
        {
            var response = await browser.GetAsync(new Uri(route.Request.Url).PathAndQuery);
            await route.FulfillAsync(new RouteFulfillOptions
            {
                Status = (int)response.StatusCode,
                BodyBytes = await response.Content.ReadAsByteArrayAsync(),
                Headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value)),
            });
        });
        return page;
    }

    private static async Task<ExpectedBackupJob> SeedHistoryAsync(DashboardTestHost host)
    {
        await DashboardSeed.EstateAsync(host);
        var job = DashboardSeed.Job("Umbrella", "Lille", "Gare", "warehouse", JobStatus.Ok);
        job.CreatedAtUtc = DashboardTestHost.Now.AddDays(-200);
        await host.SeedAsync(db =>
        {
            db.Jobs.Add(job);
            return Task.CompletedTask;
        });
        await host.SeedAsync(db =>
        {
            var random = new Random(17);
            for (var day = 99; day >= 0; day--)
            {
                var operation = DashboardTestHost.Now.Date.AddDays(-day).AddHours(2).AddMinutes(10);
                if (day % 7 == 6)   // every Sunday-ish night missed
                {
                    db.Entries.Add(new BackupEntry { ExpectedJobId = job.Id, Status = BackupEntryStatus.Missing, ExpectedCycleUtc = operation.AddMinutes(-10), CreatedAtUtc = operation.AddHours(1) });
                    continue;
                }
                var failed = day % 17 == 4;
                db.Entries.Add(new BackupEntry
                {
                    ExpectedJobId = job.Id, Status = failed ? BackupEntryStatus.Failed : BackupEntryStatus.Success,
                    AgentReportTimestampUtc = operation, CreatedAtUtc = operation.AddMinutes(4 + random.Next(0, 30)),
                    ServerCalculatedStagedSize = failed ? null : day == 12 ? 400_000_000 : 2_000_000_000 - day * 8_000_000 + random.Next(0, 50_000_000),
                    ErrorMessage = failed ? "pg_dump: connection to server refused" : day == 12 ? "size dropped by 80% since the previous backup" : null,
                });
            }
            return Task.CompletedTask;
        });
        return job;
    }

    [Fact]
    public async Task Job_page_shows_size_verification_delay_and_calendar_charts_and_the_overview_its_company_table()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var job = await SeedHistoryAsync(host);
        var page = await PageOnAsync(host);

        await page.GotoAsync($"{Origin}/jobs/{job.Id}");
        foreach (var id in new[] { "size-chart", "delay-chart", "calendar-chart" })
        {
            var chart = page.Locator($"svg#{id}");
            await Assertions.Expect(chart).ToBeVisibleAsync();
            var box = await chart.BoundingBoxAsync();
            Assert.True(box is { Width: > 300, Height: > 80 }, $"{id} is drawn {box?.Width}×{box?.Height}");
        }
        // Colours come from the stylesheet (inline styles are forbidden by the page's policy).
        Assert.Equal("rgb(26, 127, 55)", await page.Locator("svg#size-chart rect.bar.st-ok").First.EvaluateAsync<string>("e => getComputedStyle(e).fill"));
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Backup size" })).ToHaveCountAsync(1);
        // The job page has a second chart with its own table now (restore drills): take the 90 days' one.
        var lastDays = page.GetByRole(AriaRole.Region, new() { Name = "Last 90 days" });
        await lastDays.Locator("summary", new() { HasText = "The same figures as a table" }).ClickAsync();
        await Assertions.Expect(lastDays.Locator("table.figures tbody tr")).ToHaveCountAsync(90);
        Print(await DashboardServer.ScreenshotAsync(page, "job-pictures"));

        await page.GotoAsync($"{Origin}/");
        await Assertions.Expect(page.Locator("table.companies tbody tr")).ToHaveCountAsync(4);
        Print(await DashboardServer.ScreenshotAsync(page, "overview-companies"));

        await page.GetByRole(AriaRole.Link, new() { Name = "ACME", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("svg#company-chart")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("table.jobs tbody tr")).ToHaveCountAsync(2);
        Print(await DashboardServer.ScreenshotAsync(page, "company-compliance"));
    }

    [Fact]
    public async Task A_young_job_with_quick_verifications_has_full_width_charts_distinct_round_ticks_and_no_expected_days_before_it_existed()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var job = DashboardSeed.Job("Umbrella", "Lille", "Gare", "young", JobStatus.Ok);
        job.CreatedAtUtc = DashboardTestHost.Now.AddDays(-20).AddHours(-8);
        await host.SeedAsync(db =>
        {
            db.Jobs.Add(job);
            return Task.CompletedTask;
        });
        await host.SeedAsync(db =>
        {
            for (var day = 19; day >= 0; day--)
            {
                var operation = DashboardTestHost.Now.Date.AddDays(-day).AddHours(2).AddMinutes(10);
                // Verified 0 to 1.5 minutes after the backup: the delay axis used to read "1 min, 1 min, 0 min".
                db.Entries.Add(new BackupEntry
                {
                    ExpectedJobId = job.Id, Status = BackupEntryStatus.Success, AgentReportTimestampUtc = operation,
                    CreatedAtUtc = operation.AddSeconds(day % 4 * 30), ServerCalculatedStagedSize = 1_000_000 + day * 1000,
                });
            }
            return Task.CompletedTask;
        });
        var page = await PageOnAsync(host);
        await page.GotoAsync($"{Origin}/jobs/{job.Id}");

        var section = await page.Locator("section.pictures").BoundingBoxAsync();
        foreach (var id in new[] { "size-chart", "delay-chart" })
        {
            var box = await page.Locator($"svg#{id}").BoundingBoxAsync();
            Assert.True(box!.Width >= section!.Width * 0.95, $"{id} is {box.Width} px wide in a card of {section.Width} px");
        }
        var ticks = await page.Locator("svg#delay-chart text.tick").AllTextContentsAsync();
        Assert.Equal(ticks.Count, ticks.Distinct().Count());
        Assert.Equal(["0 min", "1 min", "2 min"], ticks);
        // 90 days drawn, of which the 20 since the job was registered expect a backup; the 70 before are drawn as without a cycle.
        await Assertions.Expect(page.Locator("svg#calendar-chart rect.day")).ToHaveCountAsync(90);
        await Assertions.Expect(page.Locator("svg#calendar-chart rect.day.st-nocycle")).ToHaveCountAsync(70);
        await Assertions.Expect(page.Locator("svg#calendar-chart rect.day.st-ok")).ToHaveCountAsync(20);
        Print(await DashboardServer.ScreenshotAsync(page, "job-pictures-young"));
    }

    private void Print(IReadOnlyList<string> paths)
    {
        foreach (var path in paths) output.WriteLine($"screenshot: {path}");
    }
}
