using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace BackupMonitor.Tests.Api;

/// <summary>`/api/destinations` and `/api/routes` (SPEC §9), the test button's route, and the deliveries metric.</summary>
public sealed class ApiDestinationsTests
{
    [Fact]
    public async Task Destinations_and_routes_are_added_listed_tested_and_removed_with_the_right_answers()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var host = await ApiTestHost.StartAsync(changeSettings: s => s["ADMIN_EMAIL_RECIPIENT"] = "ops@backup.test");

        var created = await host.Full.PostAsJsonAsync("/api/destinations", new { name = "teams-lyon", kind = "teams", target = receiver.BaseUrl + "/workflows/tok3n", secret = (string?)null });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/destinations/teams-lyon", created.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.Conflict, (await host.Full.PostAsJsonAsync("/api/destinations", new { name = "teams-lyon", kind = "teams", target = "https://x.test/" })).StatusCode);
        var bad = await host.Full.PostAsJsonAsync("/api/destinations", new { name = "x", kind = "fax", target = "https://x.test/" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("kind: must be one of email, webhook, slack, teams, ntfy, alertmanager", (await ApiTestHost.ProblemAsync(bad)).RootElement.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Read.PostAsJsonAsync("/api/destinations", new { name = "y", kind = "slack", target = "https://x.test/" })).StatusCode);

        // SPEC §11: destinations and routes are for admins; the read key of the settings no longer lists them.
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Read.GetAsync("/api/destinations")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Read.GetAsync("/api/routes")).StatusCode);
        var list = await host.Full.GetStringAsync("/api/destinations");
        Assert.DoesNotContain("tok3n", list);
        Assert.Equal(
            [("admins", "email", "ops@backup.test", true), ("teams-lyon", "teams", "http://127.0.0.1/…", false)],
            JsonNode.Parse(list)!.AsArray().Select(d => ((string)d!["name"]!, (string)d["kind"]!, (string)d["target"]!, (bool)d["implicit"]!)));

        var route = await host.Full.PostAsJsonAsync("/api/routes", new { destination = "teams-lyon", city = "Lyon", statuses = new[] { "failed", "recovery" } });
        Assert.Equal(HttpStatusCode.Created, route.StatusCode);
        var routeId = (int)JsonNode.Parse(await route.Content.ReadAsStringAsync())!["id"]!;
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Full.PostAsJsonAsync("/api/routes", new { destination = "nowhere" })).StatusCode);
        var routes = JsonNode.Parse(await host.Full.GetStringAsync("/api/routes"))!.AsArray();
        Assert.Equal(["failed", "recovery"], routes.Single()!["statuses"]!.AsArray().Select(s => (string)s!));

        var test = JsonNode.Parse(await (await host.Full.PostAsync("/api/destinations/teams-lyon/test", null)).Content.ReadAsStringAsync())!;
        Assert.True((bool)test["accepted"]!);
        Assert.Equal("TEST SAUVEGARDE - message de test de BackupMonitor",
            (string?)Assert.Single(receiver.At("/workflows/tok3n")).Json["attachments"]![0]!["content"]!["body"]![0]!["text"]);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Full.PostAsync("/api/destinations/nope/test", null)).StatusCode);

        var metrics = await host.Read.GetStringAsync("/metrics");
        Assert.Contains("backupmonitor_deliveries{destination=\"teams-lyon\",state=\"sent\"} 0", metrics.Split('\n'));

        Assert.Equal(HttpStatusCode.NoContent, (await host.Full.DeleteAsync($"/api/routes/{routeId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Full.DeleteAsync($"/api/routes/{routeId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Full.DeleteAsync("/api/destinations/teams-lyon")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Full.DeleteAsync("/api/destinations/teams-lyon")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Full.DeleteAsync("/api/destinations/admins")).StatusCode);
    }
}
