using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>The dashboard in headless Chromium against a real `serve` process on the demo's estate.</summary>
public sealed class DashboardBrowserTests(DashboardServer server, ITestOutputHelper output) : IClassFixture<DashboardServer>
{
    [Fact]
    public async Task Operator_signs_in_filters_by_status_and_opens_a_job_with_its_history_strip()
    {
        var page = await server.SignedInPageAsync(Api.ApiTestHost.FullKey);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("table.jobs tbody tr")).ToHaveCountAsync(7);
        // Failures first: the ok jobs (inventory, then sales) are last.
        await Assertions.Expect(page.Locator("table.jobs tbody tr").Last.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync("sales");
        await Assertions.Expect(page.Locator("table.jobs tbody tr").First.Locator(".strip .cell")).ToHaveCountAsync(30);
        Print(await DashboardServer.ScreenshotAsync(page, "overview"));

        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("failed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("status=failed"));
        var rows = page.Locator("table.jobs tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First.Locator(".badge")).ToHaveTextAsync("Failed");

        await rows.First.GetByRole(AriaRole.Link, new() { Name = "hr" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("hr");
        var cells = page.Locator("ol.strip.large li.cell");
        await Assertions.Expect(cells).ToHaveCountAsync(30);
        await Assertions.Expect(cells.Last).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("st-failed"));
        await Assertions.Expect(cells.Last).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(@"^\d{4}-\d{2}-\d{2}: Failed$"));
        // The demo registered the job today: the days before it existed expected nothing (drawn hollow), not "no report".
        await Assertions.Expect(cells.First).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("st-nocycle"));
        await page.GetByText("All fields").First.ClickAsync();
        await Assertions.Expect(page.GetByText("pg_dump: connection to server refused").First).ToBeVisibleAsync();
        Print(await DashboardServer.ScreenshotAsync(page, "job"));

        // The same overview on a phone: the table scrolls inside its frame, the page does not.
        var phone = await server.SignedInPageAsync(Api.ApiTestHost.ReadKey, width: 390, height: 844);
        var overflow = await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the overview is wider than a phone's screen");
        Print(await DashboardServer.ScreenshotAsync(phone, "overview-phone"));
    }

    [Fact]
    public async Task A_full_key_runs_a_scan_from_the_overview()
    {
        var page = await server.SignedInPageAsync(Api.ApiTestHost.FullKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Run a scan now" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Scan finished" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_read_only_key_has_no_scan_button_and_a_forged_scan_request_is_refused()
    {
        var page = await server.SignedInPageAsync(Api.ApiTestHost.ReadKey);
        await Assertions.Expect(page.GetByText("Read-only").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Run a scan now" })).ToHaveCountAsync(0);

        // The session's own anti-forgery token (from the sign-out form) and cookies: only the key's access is missing.
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        var response = await page.Context.APIRequest.PostAsync("/?handler=Scan", new APIRequestContextOptions
        {
            Form = page.Context.APIRequest.CreateFormData().Set("__RequestVerificationToken", token),
        });
        Assert.Equal(403, response.Status);
        Assert.Contains("read-only", await response.TextAsync());
    }

    private void Print(IEnumerable<string> paths)
    {
        foreach (var path in paths) output.WriteLine($"screenshot: {path}");
    }
}
