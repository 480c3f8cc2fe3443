using System.Net;
using BackupMonitor.Notifications;
using BackupMonitor.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>Run a scan, deactivate and reactivate: full keys only; read-only keys see no button and are refused with 403.</summary>
public sealed class DashboardActionTests
{
    [Fact]
    public async Task A_read_only_key_sees_everything_but_no_action_button()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var jobs = await DashboardSeed.EstateAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey);
        var overview = await browser.PageAsync("/");
        Assert.Contains("Read-only", overview);
        Assert.DoesNotContain("handler=Scan", overview);
        Assert.DoesNotContain("Run a scan now", overview);
        var job = await browser.PageAsync($"/jobs/{jobs["sales"].Id}");
        Assert.DoesNotContain("handler=Deactivate", job);
        Assert.DoesNotContain("Deactivate this job", job);
        Assert.Contains("you can see what it may see and change nothing", job);
        Assert.DoesNotContain("handler=Reactivate", await browser.PageAsync($"/jobs/{jobs["archive"].Id}"));
    }

    [Fact]
    public async Task A_read_only_key_cannot_run_a_scan_or_change_a_job_even_with_a_valid_token()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var jobs = await DashboardSeed.EstateAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey);
        var scan = await browser.PostAsync("/?handler=Scan");
        Assert.Equal(HttpStatusCode.Forbidden, scan.StatusCode);
        Assert.Contains("This key is read-only", await scan.Content.ReadAsStringAsync());
        Assert.Equal(1, host.Db(db => db.ScanRuns.Count()));

        var sales = jobs["sales"].Id;
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync($"/jobs/{sales}?handler=Deactivate", tokenFrom: $"/jobs/{sales}")).StatusCode);
        Assert.True(host.Db(db => db.Jobs.Single(j => j.Id == sales).IsActive));
        var archive = jobs["archive"].Id;
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync($"/jobs/{archive}?handler=Reactivate", tokenFrom: $"/jobs/{archive}")).StatusCode);
        Assert.False(host.Db(db => db.Jobs.Single(j => j.Id == archive).IsActive));
    }

    [Fact]
    public async Task A_full_key_runs_a_scan_and_sees_its_summary_with_the_filters_kept()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await host.Api.CreateJobAsync(ApiTestHost.JobBody(hour: 11, minute: 50));
        host.Api.Agents.WriteSuccessfulBackup("ACME_Paris_Centre", "sales", DashboardTestHost.Now.AddMinutes(-5)); // settled on the host's clock
        var browser = await host.SignedInAsync(ApiTestHost.FullKey);
        var overview = await browser.PageAsync("/?company=ACME&sort=city");
        Assert.Contains("action=\"/?company=ACME&amp;sort=city&amp;handler=Scan\"", overview);

        var response = await browser.PostAsync("/?company=ACME&sort=city&handler=Scan");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/?company=ACME&sort=city", response.Headers.Location!.OriginalString);
        var after = await browser.PageAsync(response.Headers.Location.OriginalString);
        Assert.Contains("Scan finished: 1 reports read (0 invalid), 1 entries recorded.", after);
        Assert.Contains("<span class=\"badge st-ok\">OK</span>", after);
        Assert.Equal(JobStatus.Ok, host.Db(db => db.Jobs.Single().CurrentStatus));
        // The message is shown once.
        Assert.DoesNotContain("Scan finished", await browser.PageAsync("/"));
    }

    [Fact]
    public async Task Run_a_scan_while_one_is_running_answers_409_with_a_message()
    {
        var held = new HeldNoticeDelivery();
        await using var host = await DashboardTestHost.StartAsync(services => services.AddScoped<INoticeDelivery>(_ => held));
        var browser = await host.SignedInAsync(ApiTestHost.FullKey);
        var token = DashboardTestHost.Browser.TokenIn(await browser.PageAsync("/"));
        var first = browser.Client.PostAsync("/?handler=Scan", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        await held.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var second = await browser.Client.PostAsync("/?handler=Scan", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var html = await second.Content.ReadAsStringAsync();
        Assert.Contains("<p class=\"message error\" role=\"alert\">A scan is already running; try again when it finishes.</p>", html);
        Assert.Contains("A scan is running now.", html);

        held.Release.SetResult();
        Assert.Equal(HttpStatusCode.Redirect, (await first).StatusCode);
    }

    [Fact]
    public async Task A_full_key_deactivates_and_reactivates_a_job()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var jobs = await DashboardSeed.EstateAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.FullKey);
        var id = jobs["crm"].Id;
        var page = await browser.PageAsync($"/jobs/{id}");
        Assert.Contains($"action=\"/jobs/{id}?handler=Deactivate\"", page);

        var response = await browser.PostAsync($"/jobs/{id}?handler=Deactivate", tokenFrom: $"/jobs/{id}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/jobs/{id}", response.Headers.Location!.OriginalString);
        Assert.False(host.Db(db => db.Jobs.Single(j => j.Id == id).IsActive));
        var deactivated = await browser.PageAsync($"/jobs/{id}");
        Assert.Contains("Job deactivated; its history is kept.", deactivated);
        Assert.Contains($"action=\"/jobs/{id}?handler=Reactivate\"", deactivated);
        Assert.DoesNotContain(">crm<", await browser.PageAsync("/"));

        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync($"/jobs/{id}?handler=Reactivate", tokenFrom: $"/jobs/{id}")).StatusCode);
        Assert.True(host.Db(db => db.Jobs.Single(j => j.Id == id).IsActive));
        Assert.Contains("Job reactivated", await browser.PageAsync($"/jobs/{id}"));
        Assert.Equal(HttpStatusCode.NotFound, (await browser.PostAsync("/jobs/4242?handler=Deactivate", tokenFrom: $"/jobs/{id}")).StatusCode);
    }
}
