using System.Net;
using BackupMonitor.Tests.Api;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>The destinations page (targets redacted, a "send a test" button for full keys), the routes, and each delivery with its destination.</summary>
public sealed class DashboardDestinationsTests
{
    [Fact]
    public async Task Destinations_page_lists_them_redacted_and_a_full_key_sends_a_test_to_a_real_receiver()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var host = await DashboardTestHost.StartAsync();
        await host.SeedAsync(db =>
        {
            db.Destinations.Add(new Destination { Name = "hook", Kind = DestinationKind.Webhook, Target = receiver.BaseUrl + "/hook/t0ken-in-path", Secret = "hmac-s3cret" });
            db.Destinations.Add(new Destination { Name = "gone", Kind = DestinationKind.Slack, Target = receiver.BaseUrl + "/gone" });
            db.Routes.Add(new AlertRoute { Destination = "hook", City = "Lyon", Statuses = "failed,recovery" });
            return Task.CompletedTask;
        });
        receiver.Answer("/gone", 410);
        var browser = await host.SignedInAsync(ApiTestHost.FullKey);

        var page = await browser.PageAsync("/destinations");
        Assert.Contains("<th scope=\"row\">hook</th>", page);
        Assert.Contains("http://127.0.0.1/…", page);
        Assert.Contains("(set)", page);
        Assert.DoesNotContain("t0ken-in-path", page);
        Assert.DoesNotContain("hmac-s3cret", page);
        Assert.Contains("city=Lyon · status=failed,recovery", page);
        Assert.Contains("Send a test", page);

        var sent = await browser.PostAsync("/destinations?handler=Test", new Dictionary<string, string> { ["name"] = "hook" }, tokenFrom: "/destinations");
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Contains("Test message accepted by hook.", await browser.PageAsync("/destinations"));
        Assert.Equal("test", (string?)Assert.Single(receiver.At("/hook/t0ken-in-path")).Json["event"]);

        await browser.PostAsync("/destinations?handler=Test", new Dictionary<string, string> { ["name"] = "gone" }, tokenFrom: "/destinations");
        var refused = await browser.PageAsync("/destinations");
        Assert.Contains("Test message NOT accepted by gone: http 410", refused);
    }

    [Fact]
    public async Task A_read_only_key_sees_no_destinations_and_cannot_post_a_test()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var host = await DashboardTestHost.StartAsync();
        await host.SeedAsync(db =>
        {
            db.Destinations.Add(new Destination { Name = "hook", Kind = DestinationKind.Webhook, Target = receiver.BaseUrl + "/hook" });
            return Task.CompletedTask;
        });
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey);

        // SPEC §11: destinations are for admins (their targets name other companies' addresses).
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/destinations")).StatusCode);
        Assert.DoesNotContain("href=\"/destinations\"", await browser.PageAsync("/"));
        var post = await browser.PostAsync("/destinations?handler=Test", new Dictionary<string, string> { ["name"] = "hook" }, tokenFrom: "/");
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task Notifications_page_shows_each_delivery_with_its_destination_and_filters_by_it()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await DashboardSeed.EstateAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey);

        var all = await browser.PageAsync("/notifications");
        Assert.Contains("<td>admins</td>", all);
        Assert.Contains("connection refused by smtp.example.org:587", all);
        Assert.Contains("The outbox is empty.", await browser.PageAsync("/notifications?destination=nobody"));
    }
}
