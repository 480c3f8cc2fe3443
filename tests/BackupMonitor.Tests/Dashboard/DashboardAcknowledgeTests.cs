using System.Net;
using BackupMonitor.Tests.Api;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>The job page's acknowledge button (SPEC §6.3): full keys only, with the anti-forgery token.</summary>
public sealed class DashboardAcknowledgeTests
{
    [Fact]
    public async Task A_full_key_acknowledges_a_failing_job_and_withdraws_it()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var jobs = await DashboardSeed.EstateAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.FullKey);
        var id = jobs["crm"].Id;
        Assert.Contains($"action=\"/jobs/{id}?handler=Acknowledge\"", await browser.PageAsync($"/jobs/{id}"));
        // A job that is not failing has nothing to acknowledge: no button.
        Assert.DoesNotContain("handler=Acknowledge", await browser.PageAsync($"/jobs/{jobs["sales"].Id}"));

        var response = await browser.PostAsync($"/jobs/{id}?handler=Acknowledge", tokenFrom: $"/jobs/{id}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.NotNull(host.Db(db => db.Jobs.Single(j => j.Id == id).AcknowledgedAtUtc));
        var acknowledged = await browser.PageAsync($"/jobs/{id}");
        Assert.Contains("Job acknowledged: its alerts are suppressed until it recovers.", acknowledged);
        Assert.Contains($"action=\"/jobs/{id}?handler=Unacknowledge\"", acknowledged);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync($"/jobs/{id}?handler=Unacknowledge", tokenFrom: $"/jobs/{id}")).StatusCode);
        Assert.Null(host.Db(db => db.Jobs.Single(j => j.Id == id).AcknowledgedAtUtc));
        Assert.Equal(HttpStatusCode.Conflict, (await browser.PostAsync($"/jobs/{jobs["sales"].Id}?handler=Acknowledge", tokenFrom: $"/jobs/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_read_only_key_sees_no_button_and_is_refused()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var jobs = await DashboardSeed.EstateAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey);
        var id = jobs["crm"].Id;
        Assert.DoesNotContain("handler=Acknowledge", await browser.PageAsync($"/jobs/{id}"));
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync($"/jobs/{id}?handler=Acknowledge", tokenFrom: $"/jobs/{id}")).StatusCode);
        Assert.Null(host.Db(db => db.Jobs.Single(j => j.Id == id).AcknowledgedAtUtc));
    }

    [Fact]
    public async Task Without_the_anti_forgery_token_nothing_is_acknowledged()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var jobs = await DashboardSeed.EstateAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.FullKey);
        var id = jobs["crm"].Id;
        var response = await browser.PostAsync($"/jobs/{id}?handler=Acknowledge", tokenFrom: null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(host.Db(db => db.Jobs.Single(j => j.Id == id).AcknowledgedAtUtc));
    }
}
