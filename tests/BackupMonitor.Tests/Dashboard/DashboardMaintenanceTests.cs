using System.Net;
using BackupMonitor.Tests.Api;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>The maintenance page (list, add, remove; full keys, anti-forgery) and the marks on jobs a window covers now.</summary>
public sealed class DashboardMaintenanceTests
{
    private static Dictionary<string, string> Window(string? city = null, string? from = null, string? until = null, string? reason = null) => new()
    {
        ["Form.City"] = city ?? "", ["Form.From"] = from ?? "", ["Form.Until"] = until ?? "", ["Form.Reason"] = reason ?? "",
    };

    [Fact]
    public async Task A_full_key_adds_a_window_sees_the_jobs_it_covers_marked_and_removes_it()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var jobs = await DashboardSeed.EstateAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.FullKey);
        var now = DashboardTestHost.Now;

        var added = await browser.PostAsync("/maintenance?handler=Add",
            Window(city: "Marseille", from: now.AddHours(-1).ToString("O"), until: now.AddHours(2).ToString("O"), reason: "move"), tokenFrom: "/maintenance");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var page = await browser.PageAsync("/maintenance");
        Assert.Contains("Maintenance window added.", page);
        Assert.Contains("city=Marseille", page);
        Assert.Contains("under maintenance (2)", page); // crm and erp, in Marseille

        var overview = await browser.PageAsync("/");
        foreach (var (name, job) in jobs.Where(j => j.Value.IsActive))
        {
            var row = overview[overview.IndexOf($"data-job-id=\"{job.Id}\"")..];
            row = row[..row.IndexOf("</tr>")];
            Assert.Equal(job.City == "Marseille", row.Contains("under maintenance"));
        }
        Assert.Contains("under maintenance", await browser.PageAsync($"/jobs/{jobs["crm"].Id}"));

        var id = host.Db(db => db.MaintenanceWindows.Single().Id);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/maintenance?handler=Remove", new Dictionary<string, string> { ["id"] = id.ToString() }, tokenFrom: "/maintenance")).StatusCode);
        // Kept, marked removed: compliance reports still exclude the cycles it covered (SPEC §12).
        Assert.Equal(0, host.Db(db => db.MaintenanceWindows.Count(w => w.RemovedAtUtc == null)));
        Assert.NotNull(host.Db(db => db.MaintenanceWindows.Single().RemovedAtUtc));
        Assert.DoesNotContain("under maintenance", await browser.PageAsync("/"));
    }

    [Fact]
    public async Task A_bad_window_is_shown_naming_the_field_and_nothing_is_added()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var browser = await host.SignedInAsync(ApiTestHost.FullKey);
        var response = await browser.PostAsync("/maintenance?handler=Add", Window(from: "2026-12-05T22:00:00Z", until: "2026-12-05T21:00:00Z"), tokenFrom: "/maintenance");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("until: must be after from", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, host.Db(db => db.MaintenanceWindows.Count()));
    }

    [Fact]
    public async Task A_read_only_key_sees_the_windows_but_cannot_add_or_remove()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var full = await host.SignedInAsync(ApiTestHost.FullKey);
        await full.PostAsync("/maintenance?handler=Add", Window(from: "2026-12-05T22:00:00Z", until: "2026-12-06T01:00:00Z", reason: "SAN swap"), tokenFrom: "/maintenance");
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey);
        var page = await browser.PageAsync("/maintenance");
        Assert.Contains("SAN swap", page);
        Assert.DoesNotContain("handler=Add", page);
        Assert.DoesNotContain("handler=Remove", page);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync("/maintenance?handler=Add", Window(from: "2026-12-05T22:00:00Z", until: "2026-12-06T01:00:00Z"), tokenFrom: "/maintenance")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync("/maintenance?handler=Remove", new Dictionary<string, string> { ["id"] = "1" }, tokenFrom: "/maintenance")).StatusCode);
        Assert.Equal(1, host.Db(db => db.MaintenanceWindows.Count(w => w.RemovedAtUtc == null)));
        // Without the anti-forgery token a full key changes nothing either.
        Assert.Equal(HttpStatusCode.BadRequest, (await full.PostAsync("/maintenance?handler=Remove", new Dictionary<string, string> { ["id"] = "1" }, tokenFrom: null)).StatusCode);
        Assert.Equal(1, host.Db(db => db.MaintenanceWindows.Count(w => w.RemovedAtUtc == null)));
    }
}
