using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackupMonitor.Tests.Notifications;

/// <summary>
/// Destinations and routes end to end through the command line, against a real HTTP receiver on loopback that
/// records every request: formats per kind, signatures, retries with the same delivery id, answers, and one
/// destination down delaying no other (SPEC §6.2, §6.4).
/// </summary>
public sealed class DestinationTests
{
    private static int Count(CliHarness.Run run, string property)
    {
        using var json = JsonDocument.Parse(run.Out);
        return json.RootElement.GetProperty(property).GetInt32();
    }

    private static async Task OkAsync(NotificationTestSite site, params string[] args)
    {
        var run = await site.RunAsync(args);
        Assert.True(run.ExitCode == 0, $"{string.Join(' ', args)} failed: {run.All}");
    }

    [Fact]
    public async Task Webhook_gets_the_signed_json_and_the_same_delivery_id_on_every_retry()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = new NotificationTestSite();
        await site.AddJobAsync("sales");
        await site.WriteReportAsync("sales", "hash_mismatch");
        await OkAsync(site, "destinations", "add", "security", "--kind", "webhook", "--target", receiver.BaseUrl + "/hook", "--secret", "hmac-key-never-shown");
        await OkAsync(site, "routes", "add", "--destination", "security", "--status", "hash_mismatch");
        receiver.Answer("/hook", 503);

        var refused = await site.RunAsync("scan", "--format", "json");
        var pending = Assert.Single(await site.DeliveriesAsync());
        var accepted = await site.RunAsync("scan", "--format", "json");

        Assert.Equal((0, 1), (Count(refused, "notifications_sent"), Count(refused, "notifications_failed")));
        Assert.Equal((DeliveryState.Pending, 1, "security"), (pending.State, pending.Attempts, pending.Destination));
        Assert.StartsWith("http 503", pending.LastError);
        Assert.Equal(1, Count(accepted, "notifications_sent"));
        var requests = receiver.At("/hook");
        Assert.Equal(2, requests.Count);
        Assert.Equal([pending.Id.ToString(), pending.Id.ToString()], requests.Select(r => r.Headers["X-BackupMonitor-Delivery"]));
        foreach (var request in requests)
        {
            Assert.StartsWith("application/json", request.Headers["Content-Type"]);
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("hmac-key-never-shown"), request.Body));
            Assert.Equal(expected, request.Headers["X-BackupMonitor-Signature-256"]);
        }
        var body = requests[1].Json.AsObject();
        Assert.Equal(["event", "notice_id", "subject", "text", "job", "entry"], body.Select(p => p.Key));
        Assert.Equal("alert", (string?)body["event"]);
        Assert.Equal(pending.NoticeId, (int)body["notice_id"]!);
        Assert.Equal("ALERTE SAUVEGARDE - sales - HASH MISMATCH", (string?)body["subject"]);
        Assert.Contains("Comparaison Hachage    : Non conforme", (string?)body["text"]);
        Assert.Equal("sales", (string?)body["job"]!["database_name"]);
        Assert.Equal("hash_mismatch", (string?)body["entry"]!["status"]);
        Assert.DoesNotContain("hmac-key-never-shown", refused.All + accepted.All + (await site.RunAsync("destinations", "list", "--format", "json")).All);
    }

    [Theory]
    [InlineData(404, DeliveryState.Failed)]
    [InlineData(400, DeliveryState.Failed)]
    [InlineData(408, DeliveryState.Pending)]
    [InlineData(429, DeliveryState.Pending)]
    [InlineData(500, DeliveryState.Pending)]
    public async Task An_answer_other_than_408_429_or_5xx_fails_the_delivery_at_once(int code, DeliveryState expected)
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = new NotificationTestSite();
        await site.AddJobAsync("sales");
        await site.WriteReportAsync("sales", "failed");
        await OkAsync(site, "destinations", "add", "hook", "--kind", "webhook", "--target", receiver.BaseUrl + "/hook");
        await OkAsync(site, "routes", "add", "--destination", "hook");
        receiver.Answer("/hook", code);

        await site.RunAsync("scan");

        var delivery = Assert.Single(await site.DeliveriesAsync());
        Assert.Equal((expected, 1), (delivery.State, delivery.Attempts));
        Assert.StartsWith($"http {code}", delivery.LastError);
        Assert.Contains($"receiver says no ({code})", delivery.LastError);
    }

    [Fact]
    public async Task Slack_teams_ntfy_and_alertmanager_each_get_their_format_and_a_recovery_resolves_the_alert()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = new NotificationTestSite();
        await site.AddJobAsync("sales");
        await site.WriteReportAsync("sales", "hash_mismatch");
        await OkAsync(site, "destinations", "add", "chat", "--kind", "slack", "--target", receiver.BaseUrl + "/services/T0/B0/slacktoken");
        await OkAsync(site, "destinations", "add", "team", "--kind", "teams", "--target", receiver.BaseUrl + "/workflows/teamstoken");
        await OkAsync(site, "destinations", "add", "phone", "--kind", "ntfy", "--target", receiver.BaseUrl + "/backups", "--secret", "tk_ntfy");
        await OkAsync(site, "destinations", "add", "pager", "--kind", "alertmanager", "--target", receiver.BaseUrl + "/am/");
        foreach (var name in new[] { "chat", "team", "phone", "pager" }) await OkAsync(site, "routes", "add", "--destination", name);

        Assert.Equal(4, Count(await site.RunAsync("scan", "--format", "json"), "notifications_sent"));

        var slack = Assert.Single(receiver.At("/services/T0/B0/slacktoken")).Json.AsObject();
        Assert.Equal(["text"], slack.Select(p => p.Key));
        Assert.StartsWith("ALERTE SAUVEGARDE - sales - HASH MISMATCH\nCompagnie : ACME — Ville : Paris — Agent : ACME_Paris_Centre — Base : sales\nStatut : HASH_MISMATCH", (string?)slack["text"]);

        var card = Assert.Single(receiver.At("/workflows/teamstoken")).Json;
        Assert.Equal("message", (string?)card["type"]);
        var content = card["attachments"]![0]!["content"]!;
        Assert.Equal("AdaptiveCard", (string?)content["type"]);
        Assert.Equal("ALERTE SAUVEGARDE - sales - HASH MISMATCH", (string?)content["body"]![0]!["text"]);
        Assert.Contains(content["body"]![1]!["facts"]!.AsArray(), f => (string?)f!["title"] == "Database" && (string?)f["value"] == "sales");

        var ntfy = Assert.Single(receiver.At("/backups"));
        Assert.Equal(("ALERTE SAUVEGARDE - sales - HASH MISMATCH", "5", "Bearer tk_ntfy"), (ntfy.Headers["Title"], ntfy.Headers["Priority"], ntfy.Headers["Authorization"]));
        Assert.StartsWith("Compagnie : ACME", ntfy.Text);

        var fired = Assert.Single(receiver.At("/am/api/v2/alerts")).Json.AsArray();
        var labels = fired.Single()!["labels"]!.AsObject();
        Assert.Equal(
            [("alertname", "BackupFailed"), ("status", "hash_mismatch"), ("company", "ACME"), ("city", "Paris"), ("agent", "ACME_Paris_Centre"), ("database", "sales")],
            labels.Select(p => (p.Key, (string)p.Value!)));
        Assert.Null(fired.Single()!["endsAt"]);

        await site.WriteReportAsync("sales", "success", site.Now.AddMinutes(-20));
        Assert.Equal(4, Count(await site.RunAsync("scan", "--format", "json"), "notifications_sent"));

        var resolved = receiver.At("/am/api/v2/alerts")[1].Json.AsArray().Single()!;
        Assert.Equal(labels.ToJsonString(), resolved["labels"]!.ToJsonString());
        Assert.NotNull((string?)resolved["endsAt"]);
        var recovery = receiver.At("/backups")[1];
        Assert.Equal(("3", "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("RÉTABLISSEMENT SAUVEGARDE - sales")) + "?="), (recovery.Headers["Priority"], recovery.Headers["Title"]));
    }

    [Fact]
    public async Task One_destination_that_never_answers_delays_no_other_and_loses_nothing()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var silent = new SilentListener();
        using var site = new NotificationTestSite(new Dictionary<string, string?> { ["WEBHOOK_TIMEOUT_SECONDS"] = "1", ["DELIVERY_MAX_ATTEMPTS"] = "1" });
        foreach (var db in new[] { "a", "b", "c" })
        {
            await site.AddJobAsync(db);
            await site.WriteReportAsync(db, "failed");
        }
        await OkAsync(site, "destinations", "add", "down", "--kind", "webhook", "--target", $"http://127.0.0.1:{silent.Port}/hook");
        await OkAsync(site, "destinations", "add", "up", "--kind", "slack", "--target", receiver.BaseUrl + "/slack");
        await OkAsync(site, "routes", "add", "--destination", "down");
        await OkAsync(site, "routes", "add", "--destination", "up");

        var first = await site.RunAsync("scan", "--format", "json");
        var second = await site.RunAsync("scan", "--format", "json");

        Assert.Equal((3, 1), (Count(first, "notifications_sent"), Count(first, "notifications_failed")));
        Assert.Equal((0, 1), (Count(second, "notifications_sent"), Count(second, "notifications_failed")));
        Assert.Equal(3, receiver.At("/slack").Count);
        Assert.Equal(2, silent.Accepted);
        var down = (await site.DeliveriesAsync()).Where(d => d.Destination == "down").ToList();
        Assert.Equal(3, down.Count);
        Assert.All(down, d => Assert.Equal((DeliveryState.Pending, 0), (d.State, d.Attempts)));
        Assert.Contains(down, d => d.LastError == "timeout: no answer from http://127.0.0.1/… within 1 s");
    }

    [Fact]
    public async Task Each_notice_goes_once_to_each_destination_whose_routes_match_it()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = new NotificationTestSite();
        await site.AddJobAsync("sales");
        await site.AddJobAsync("hr");
        await site.WriteReportAsync("sales", "hash_mismatch");
        await site.WriteReportAsync("hr", "failed");
        await OkAsync(site, "destinations", "add", "sales-team", "--kind", "slack", "--target", receiver.BaseUrl + "/sales");
        await OkAsync(site, "destinations", "add", "security", "--kind", "slack", "--target", receiver.BaseUrl + "/security");
        await OkAsync(site, "destinations", "add", "everyone", "--kind", "slack", "--target", receiver.BaseUrl + "/everyone");
        await OkAsync(site, "destinations", "add", "nobody", "--kind", "slack", "--target", receiver.BaseUrl + "/nobody");
        await OkAsync(site, "routes", "add", "--destination", "sales-team", "--database", "sal*");
        await OkAsync(site, "routes", "add", "--destination", "security", "--status", "hash_mismatch,transfer_integrity_failed");
        await OkAsync(site, "routes", "add", "--destination", "everyone", "--company", "ACME");
        await OkAsync(site, "routes", "add", "--destination", "everyone", "--city", "Paris");
        await OkAsync(site, "routes", "add", "--destination", "nobody", "--company", "acme");

        await site.RunAsync("scan");

        Assert.Equal(["ALERTE SAUVEGARDE - sales - HASH MISMATCH"], receiver.At("/sales").Select(r => ((string)r.Json["text"]!).Split('\n')[0]));
        Assert.Equal(["ALERTE SAUVEGARDE - sales - HASH MISMATCH"], receiver.At("/security").Select(r => ((string)r.Json["text"]!).Split('\n')[0]));
        Assert.Equal(2, receiver.At("/everyone").Count);
        Assert.Empty(receiver.At("/nobody"));
        var list = await site.RunAsync("notifications", "list", "--destination", "everyone", "--format", "json");
        Assert.Equal(["everyone", "everyone"], JsonNode.Parse(list.Out)!.AsArray().Select(d => (string)d!["destination"]!));
    }

    [Fact]
    public async Task Destinations_are_listed_without_their_secret_or_token_and_test_says_whether_they_accept()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = new NotificationTestSite();
        const string token = "XOXB-very-secret-token";
        await OkAsync(site, "destinations", "add", "chat", "--kind", "slack", "--target", $"{receiver.BaseUrl}/services/{token}");
        await OkAsync(site, "destinations", "add", "hook", "--kind", "webhook", "--target", receiver.BaseUrl + "/hook", "--secret", "s3cret-hmac");
        receiver.Answer($"/services/{token}", 403);

        var table = await site.RunAsync("destinations", "list");
        var json = await site.RunAsync("destinations", "list", "--format", "json");
        var accepted = await site.RunAsync("destinations", "test", "hook");
        var refused = await site.RunAsync("destinations", "test", "chat");
        var unknown = await site.RunAsync("destinations", "test", "nope");

        Assert.Contains("http://127.0.0.1/…", table.Out);
        Assert.Equal(
            [("chat", "slack", "http://127.0.0.1/…", ""), ("hook", "webhook", "http://127.0.0.1/…", "(set)")],
            JsonNode.Parse(json.Out)!.AsArray().Select(d => ((string)d!["name"]!, (string)d["kind"]!, (string)d["target"]!, (string)d["secret"]!)));
        Assert.Equal((0, "Test message accepted by hook.\n"), (accepted.ExitCode, accepted.Out));
        Assert.Equal("test", (string?)Assert.Single(receiver.At("/hook")).Json["event"]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("error: test message NOT accepted by chat — http 403", refused.Err);
        Assert.Equal(1, unknown.ExitCode);
        foreach (var run in new[] { table, json, accepted, refused, unknown })
        {
            Assert.DoesNotContain(token, run.All);
            Assert.DoesNotContain("s3cret-hmac", run.All);
        }

        Assert.Equal(2, (await site.RunAsync("destinations", "add", "x", "--kind", "sms", "--target", "t")).ExitCode);
        Assert.Contains("name: must match", (await site.RunAsync("destinations", "add", "Bad Name", "--kind", "slack", "--target", "http://h/x")).Err);
        Assert.Contains("target: must be an http(s) URL", (await site.RunAsync("destinations", "add", "y", "--kind", "slack", "--target", "ftp://h/x")).Err);
        Assert.Contains("a destination named 'hook' exists already", (await site.RunAsync("destinations", "add", "hook", "--kind", "slack", "--target", "http://h/x")).Err);
        Assert.Contains("statuses: 'nope' is not one of", (await site.RunAsync("routes", "add", "--destination", "hook", "--status", "failed,nope")).Err);
        var routeId = (await site.RunAsync("routes", "add", "--destination", "hook", "--status", "failed,recovery", "--city", "Ly*")).Out.Trim();
        var routes = JsonNode.Parse((await site.RunAsync("routes", "list", "--format", "json")).Out)!.AsArray();
        Assert.Equal($"{routeId}|hook|Ly*|failed,recovery", string.Join("|", routes.Select(r => $"{r!["id"]}|{r["destination"]}|{r["city"]}|{string.Join(",", r["statuses"]!.AsArray().Select(s => (string)s!))}")));
        await OkAsync(site, "destinations", "remove", "hook");
        Assert.Equal("[]", (await site.RunAsync("routes", "list", "--format", "json")).Out.Trim());
        Assert.Equal(1, (await site.RunAsync("destinations", "remove", "hook")).ExitCode);
    }
}
