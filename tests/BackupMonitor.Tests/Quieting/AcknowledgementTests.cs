using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Text.Json.Nodes;
using BackupMonitor.Tests.Api;
using BackupMonitor.Tests.Notifications;
using BackupMonitor.Tests.Support;

namespace BackupMonitor.Tests.Quieting;

/// <summary>SPEC §6.3 acknowledgements through the command line and a real webhook receiver, and through the API.</summary>
public sealed class AcknowledgementTests
{
    private static async Task<(NotificationTestSite Site, int JobId)> SiteWithWebhookAsync(HttpReceiver receiver)
    {
        var site = new NotificationTestSite();
        Assert.Equal(0, (await site.RunAsync("destinations", "add", "hook", "--kind", "webhook", "--target", receiver.BaseUrl + "/hook")).ExitCode);
        Assert.Equal(0, (await site.RunAsync("routes", "add", "--destination", "hook")).ExitCode);
        return (site, await site.AddJobAsync("sales"));
    }

    private static async Task<JsonNode> JobJsonAsync(NotificationTestSite site, int id) =>
        JsonNode.Parse((await site.RunAsync("jobs", "list", "--format", "json")).Out)!.AsArray().Single(j => (int)j!["id"]! == id)!;

    [Fact]
    public async Task An_acknowledged_job_alerts_no_more_until_it_recovers_whose_notice_is_sent_and_ends_the_acknowledgement()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var (site, job) = await SiteWithWebhookAsync(receiver);
        using var _ = site;
        await site.WriteReportAsync("sales", "failed", site.Now.AddMinutes(-55));
        await site.RunAsync("scan");
        Assert.Single(receiver.At("/hook"));

        var ack = await site.RunAsync("jobs", "ack", job.ToString());
        Assert.Equal(0, ack.ExitCode);
        Assert.StartsWith($"Job {job} acknowledged at ", ack.Out);
        Assert.Equal(site.Now, (DateTime)(await JobJsonAsync(site, job))["acknowledged_at_utc"]!);

        await site.WriteReportAsync("sales", "transfer_integrity_failed", site.Now.AddMinutes(-45));
        await site.RunAsync("scan");
        Assert.Single(receiver.At("/hook"));
        var quieted = (await site.DeliveriesAsync()).Last();
        Assert.Equal(DeliveryState.Suppressed, quieted.State);
        Assert.StartsWith("suppressed: job acknowledged at ", quieted.LastError);
        var listed = (await site.RunAsync("notifications", "list", "--state", "suppressed")).Out;
        Assert.Contains("suppressed: job acknowledged at", listed);

        await site.WriteReportAsync("sales", "success", site.Now.AddMinutes(-35));
        await site.RunAsync("scan");
        Assert.Equal(["alert", "recovery"], receiver.At("/hook").Select(r => (string)r.Json["event"]!));
        Assert.Null((await JobJsonAsync(site, job))["acknowledged_at_utc"]);

        await site.WriteReportAsync("sales", "failed", site.Now.AddMinutes(-25));
        await site.RunAsync("scan");
        Assert.Equal(["alert", "recovery", "alert"], receiver.At("/hook").Select(r => (string)r.Json["event"]!));
    }

    [Fact]
    public async Task Unacknowledging_sends_the_next_alerts_again()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var (site, job) = await SiteWithWebhookAsync(receiver);
        using var _ = site;
        await site.WriteReportAsync("sales", "failed", site.Now.AddMinutes(-55));
        await site.RunAsync("scan");
        await site.RunAsync("jobs", "ack", job.ToString());
        await site.WriteReportAsync("sales", "failed", site.Now.AddMinutes(-45));
        await site.RunAsync("scan");

        var unack = await site.RunAsync("jobs", "unack", job.ToString());
        Assert.Equal(0, unack.ExitCode);
        Assert.Null((await JobJsonAsync(site, job))["acknowledged_at_utc"]);
        await site.WriteReportAsync("sales", "failed", site.Now.AddMinutes(-35));
        await site.RunAsync("scan");

        Assert.Equal([DeliveryState.Sent, DeliveryState.Suppressed, DeliveryState.Sent], (await site.DeliveriesAsync()).Select(d => d.State));
        Assert.Equal(2, receiver.At("/hook").Count);
    }

    [Fact]
    public async Task Acknowledging_a_job_that_is_not_failing_or_does_not_exist_fails_with_a_message()
    {
        using var site = new NotificationTestSite();
        var job = await site.AddJobAsync("sales");

        var notFailing = await site.RunAsync("jobs", "ack", job.ToString());
        Assert.Equal(1, notFailing.ExitCode);
        Assert.Contains($"job {job} is not failing (status unknown): there is nothing to acknowledge", notFailing.Err);
        var unknown = await site.RunAsync("jobs", "unack", "999");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no job with id 999", unknown.Err);
        Assert.Equal(2, (await site.RunAsync("jobs", "ack", "x")).ExitCode);
    }

    [Fact]
    public async Task The_api_acknowledges_with_a_full_key_only()
    {
        await using var host = await ApiTestHost.StartAsync();
        var id = (int)(await host.CreateJobAsync(ApiTestHost.JobBody()))["id"]!;

        Assert.Equal(HttpStatusCode.Conflict, (await host.Full.PostAsync($"/api/jobs/{id}/ack", null)).StatusCode);
        host.Db(db => db.Jobs.Where(j => j.Id == id).ExecuteUpdate(s => s.SetProperty(j => j.CurrentStatus, JobStatus.Missing)));
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Read.PostAsync($"/api/jobs/{id}/ack", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous.PostAsync($"/api/jobs/{id}/ack", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Full.PostAsync("/api/jobs/999/ack", null)).StatusCode);

        var acked = await host.Full.PostAsync($"/api/jobs/{id}/ack", null);
        Assert.Equal(HttpStatusCode.OK, acked.StatusCode);
        var at = (DateTime?)JsonNode.Parse(await acked.Content.ReadAsStringAsync())!["acknowledged_at_utc"];
        Assert.NotNull(at);
        // Acknowledging again keeps the first time.
        var again = JsonNode.Parse(await (await host.Full.PostAsync($"/api/jobs/{id}/ack", null)).Content.ReadAsStringAsync())!;
        Assert.Equal(at, (DateTime?)again["acknowledged_at_utc"]);
        Assert.Equal(at, (DateTime?)JsonNode.Parse(await host.Read.GetStringAsync($"/api/jobs/{id}"))!["acknowledged_at_utc"]);

        Assert.Equal(HttpStatusCode.Forbidden, (await host.Read.DeleteAsync($"/api/jobs/{id}/ack")).StatusCode);
        var withdrawn = await host.Full.DeleteAsync($"/api/jobs/{id}/ack");
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Null(JsonNode.Parse(await withdrawn.Content.ReadAsStringAsync())!["acknowledged_at_utc"]);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Full.DeleteAsync("/api/jobs/999/ack")).StatusCode);
    }
}
