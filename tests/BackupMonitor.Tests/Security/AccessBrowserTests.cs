using BackupMonitor.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BackupMonitor.Tests.Security;

/// <summary>
/// SPEC §11 in headless Chromium against a real `serve`: what a key of one company sees on every page it can reach,
/// what an operator of one company may do, the role in the header, and a revoked key's session.
/// </summary>
public sealed class AccessBrowserTests(AccessBrowserServer server, ITestOutputHelper output) : IClassFixture<AccessBrowserServer>
{
    private const int MaxPages = 80;
    private static readonly string[] AdminPages = ["/destinations", "/audit", "/agents"];

    [Fact]
    public async Task A_viewer_of_one_company_sees_none_of_anothers_names_on_any_page_cannot_open_its_jobs_and_has_no_admin_link()
    {
        var page = await server.SignedInPageAsync(server.Keys["acme-portal"]);
        var role = page.Locator("header .session .access");
        await Assertions.Expect(role).ToHaveTextAsync("Viewer (Read-only) · companies: ACME");
        await Assertions.Expect(role).ToHaveAttributeAsync("data-role", "viewer");

        // Every page the viewer can reach by following links, from the menu's pages and its jobs' pages.
        var own = server.Db(db => db.Jobs.AsNoTracking().Where(j => j.CompanyName == AccessBrowserServer.Own).Select(j => j.Id).ToList());
        var queue = new Queue<string>(["/", "/notifications", "/maintenance", "/reports", .. own.Select(id => $"/jobs/{id}")]);
        var seen = new HashSet<string>(queue);
        var problems = new List<string>();
        var visited = 0;
        while (queue.Count > 0 && visited < MaxPages)
        {
            var url = queue.Dequeue();
            visited++;
            output.WriteLine($"visiting {url}");
            string text;
            if (url.Contains("handler=", StringComparison.Ordinal))
            {
                // A download (the report's CSV or printable page): read it as the session would.
                var download = await page.Context.APIRequest.GetAsync(url);
                if (download.Status != 200) problems.Add($"{url}: {download.Status}");
                text = await download.TextAsync();
            }
            else
            {
                var response = await page.GotoAsync(url);
                if (response?.Status != 200) problems.Add($"{url}: {response?.Status}");
                text = await page.ContentAsync();
                foreach (var link in await page.Locator("a[href]").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"))
                {
                    if (AdminPages.Any(admin => link.StartsWith(admin, StringComparison.Ordinal))) problems.Add($"{url}: links to the admin page {link}");
                    if (Worth(link) && seen.Add(link)) queue.Enqueue(link);
                }
            }
            problems.AddRange(Leaks(url, text));
        }
        Assert.True(visited >= 8, $"only {visited} pages reached");
        Assert.True(problems.Count == 0, string.Join('\n', problems));

        // Another company's job page is the page of an unknown job; admin pages are refused.
        var unknown = await page.GotoAsync("/jobs/999999");
        Assert.Equal(404, unknown!.Status);
        var unknownText = await page.Locator("main").InnerTextAsync();
        foreach (var database in new[] { "crm", "erp", "ledger" })
        {
            var id = server.Job(database);
            var response = await page.GotoAsync($"/jobs/{id}");
            Assert.Equal(404, response!.Status);
            Assert.Equal(unknownText.Replace("999999", "ID"), (await page.Locator("main").InnerTextAsync()).Replace(id.ToString(), "ID"));
        }
        foreach (var admin in AdminPages) Assert.Equal(403, (await page.GotoAsync(admin))!.Status);
    }

    [Fact]
    public async Task An_operator_of_one_company_acknowledges_its_jobs_only_even_when_posting_the_form_by_hand()
    {
        var page = await server.SignedInPageAsync(server.Keys["acme-ops"]);
        await Assertions.Expect(page.Locator("header .session .access")).ToHaveTextAsync("Operator · companies: ACME");
        foreach (var adminPage in AdminPages) await Assertions.Expect(page.Locator($"a[href='{adminPage}']")).ToHaveCountAsync(0);

        var own = server.Job("hr");
        await page.GotoAsync($"/jobs/{own}");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Deactivate" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge: quiet its alerts until it recovers" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Job acknowledged: its alerts are suppressed until it recovers.")).ToBeVisibleAsync();
        Assert.NotNull(server.Db(db => db.Jobs.AsNoTracking().Single(j => j.Id == own).AcknowledgedAtUtc));
        // The dashboard's change is audited as the key, in the change's transaction.
        Assert.Contains(server.Db(db => db.AuditEvents.AsNoTracking().Where(a => a.Target == $"job:{own}").Select(a => new { a.Actor, a.Action }).ToList()),
            a => a.Actor == "key:acme-ops" && a.Action == "job.ack");

        // Globex's failing job: no page, hence no form; the form posted by hand with the session's own token is refused too.
        var other = server.Job("crm");
        Assert.Equal(404, (await page.GotoAsync($"/jobs/{other}"))!.Status);
        await page.GotoAsync($"/jobs/{own}");
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        var forged = await page.Context.APIRequest.PostAsync($"/jobs/{other}?handler=Acknowledge", new APIRequestContextOptions
        {
            Form = page.Context.APIRequest.CreateFormData().Set("__RequestVerificationToken", token),
            MaxRedirects = 0,
        });
        Assert.Equal(404, forged.Status);
        Assert.Null(server.Db(db => db.Jobs.AsNoTracking().Single(j => j.Id == other).AcknowledgedAtUtc));
        Assert.DoesNotContain(server.Db(db => db.AuditEvents.AsNoTracking().Select(a => a.Target).ToList()), t => t == $"job:{other}");

        // The admin, by contrast, sees the admin pages in the menu and its role.
        var admin = await server.SignedInPageAsync(server.Keys["root"]);
        await Assertions.Expect(admin.Locator("header .session .access")).ToHaveTextAsync("Admin (Full access)");
        foreach (var link in AdminPages) await Assertions.Expect(admin.Locator($"header a[href='{link}']")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_revoked_keys_session_stops_at_its_next_request()
    {
        var key = (await server.CliAsync("keys", "add", "--name", "temp-portal", "--role", "viewer", "--company", AccessBrowserServer.Own)).Trim();
        var page = await server.SignedInPageAsync(key);
        Assert.Equal(200, (await page.GotoAsync("/notifications"))!.Status);
        var id = server.Db(db => db.AccessKeys.AsNoTracking().Single(k => k.Name == "temp-portal").Id);
        await server.CliAsync("keys", "revoke", id.ToString());

        await page.GotoAsync("/maintenance");
        Assert.Contains("/signin?ReturnUrl=", page.Url);
        await Assertions.Expect(page.GetByLabel("API key", new() { Exact = true })).ToBeVisibleAsync();
        // Signing in again with it is refused.
        await page.GetByLabel("API key", new() { Exact = true }).FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        Assert.Contains("/signin", page.Url);
    }

    /// <summary>
    /// A page of the dashboard worth a visit: not the language switch or the stylesheet, and not one more combination
    /// of sorts and filters (one query parameter at most, besides downloads and page numbers).
    /// </summary>
    private static bool Worth(string link) =>
        link.StartsWith('/') && !link.StartsWith("//", StringComparison.Ordinal) && !link.StartsWith("/language", StringComparison.Ordinal)
        && !link.StartsWith("/dashboard.css", StringComparison.Ordinal)
        && (link.Count(c => c == '&') == 0 || link.Contains("handler=", StringComparison.Ordinal) || link.Contains("p=", StringComparison.Ordinal));

    /// <summary>The other company's names and every secret of the estate: none may be in what a page shows.</summary>
    private IEnumerable<string> Leaks(string url, string text)
    {
        foreach (var name in AccessBrowserServer.OtherNames.Where(n => text.Contains(n, StringComparison.OrdinalIgnoreCase)))
            yield return $"{url}: shows '{name}'";
        foreach (var secret in server.Keys.Values.Concat([ApiTestHost.FullKey, ApiTestHost.ReadKey, AccessBrowserServer.DestinationSecret, AccessBrowserServer.UrlToken])
                     .Where(s => text.Contains(s, StringComparison.Ordinal)))
            yield return $"{url}: shows a secret ({secret[..6]}…)";
    }
}
