using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>A scheduled job registered through the API of a real `serve` process, read in headless Chromium.</summary>
public sealed class DashboardScheduleBrowserTests(DashboardServer server, ITestOutputHelper output) : IClassFixture<DashboardServer>
{
    [Fact]
    public async Task A_weekdays_every_six_hours_job_reads_in_words_with_its_next_time_and_a_strip_of_days()
    {
        using var api = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Api.ApiTestHost.FullKey);
        var created = await api.PostAsJsonAsync("/api/jobs", new
        {
            company_name = "ACME", city = "Paris", neighborhood = "Centre", database_name = "txlog",
            schedule = "0 */6 * * 1-5", time_zone = "Europe/Paris", grace_minutes = 30,
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var job = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;

        var page = await server.SignedInPageAsync(Api.ApiTestHost.ReadKey);
        await page.GotoAsync($"/jobs/{job["id"]}");
        await Assertions.Expect(page.Locator("dd.schedule")).ToHaveTextAsync("At minute 00 of every 6 hours on Monday–Friday (Europe/Paris)");
        await Assertions.Expect(page.Locator("dd.next-expected")).ToContainTextAsync("Europe/Paris (");
        var next = DateTime.Parse((string)job["next_expected_utc"]!, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        await Assertions.Expect(page.Locator("dd.next-expected")).ToContainTextAsync($"{next:yyyy-MM-dd HH:mm} UTC)");
        var strip = page.Locator("ol.strip.large");
        // Registered just now: the 29 days before it existed expect nothing (SPEC §12), drawn hollow like a weekend; today
        // holds at most its current cycle. (The weekends and the cycles of a day are pinned in DashboardScheduleTests.)
        Assert.InRange(await strip.Locator("> li.cell.st-nocycle").CountAsync(), 29, 30);
        Assert.Equal(30, await strip.Locator("> li").CountAsync());
        foreach (var path in await DashboardServer.ScreenshotAsync(page, "job-scheduled")) output.WriteLine(path);
    }
}
