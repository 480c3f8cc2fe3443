using System.Text.Json.Nodes;
using BackupMonitor.Tests.Notifications;
using MimeKit;

namespace BackupMonitor.Tests.Quieting;

/// <summary>SPEC §6.3 digests: more than ALERT_DIGEST_THRESHOLD notices of one kind pending for one destination make one message.</summary>
public sealed class DigestTests
{
    private static async Task<NotificationTestSite> SiteAsync(HttpReceiver receiver, int jobs, string? threshold = null)
    {
        var site = new NotificationTestSite();
        if (threshold is not null) site.Environment["ALERT_DIGEST_THRESHOLD"] = threshold;
        Assert.Equal(0, (await site.RunAsync("destinations", "add", "hook", "--kind", "webhook", "--target", receiver.BaseUrl + "/hook", "--secret", "s3cret")).ExitCode);
        Assert.Equal(0, (await site.RunAsync("routes", "add", "--destination", "hook")).ExitCode);
        for (var i = 1; i <= jobs; i++) await site.AddJobAsync($"db{i:00}");
        return site;
    }

    private static async Task FailAllAsync(NotificationTestSite site, int jobs, string status = "failed", int minutesAgo = 55)
    {
        for (var i = 1; i <= jobs; i++) await site.WriteReportAsync($"db{i:00}", status, site.Now.AddMinutes(-minutesAgo));
    }

    [Fact]
    public async Task More_alerts_than_the_threshold_make_one_webhook_message_with_items_and_every_delivery_names_it()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = await SiteAsync(receiver, 12);
        await FailAllAsync(site, 12);

        var scan = await site.RunAsync("scan", "--format", "json");

        var request = Assert.Single(receiver.At("/hook"));
        var body = request.Json;
        Assert.Equal("digest", (string?)body["event"]);
        Assert.Equal("alert", (string?)body["kind"]);
        Assert.Equal("ALERTE SAUVEGARDE - 12 sauvegardes en échec", (string?)body["subject"]);
        var items = body["items"]!.AsArray();
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"db{i:00}"), items.Select(i => (string)i!["job"]!["database_name"]!).Order());
        Assert.All(items, i => Assert.Equal("failed", (string?)i!["entry"]!["status"]));
        Assert.Null(body["job"]);
        var text = (string)body["text"]!;
        Assert.Equal(12, text.Split('\n').Count(l => l.StartsWith("ACME | Paris | ACME_Paris_Centre | db")));
        Assert.Contains("ACME | Paris | ACME_Paris_Centre | db07 | FAILED | pg_dump: connection to server refused", text);
        Assert.Equal("digest-" + (int)body["digest_id"]!, request.Headers["X-BackupMonitor-Delivery"]);
        Assert.Equal(Channels.WebhookSignature("s3cret", request.Body), request.Headers["X-BackupMonitor-Signature-256"]);
        Assert.Equal(12, (int)JsonNode.Parse(scan.Out)!["notifications_sent"]!);

        var listed = JsonNode.Parse((await site.RunAsync("notifications", "list", "--format", "json")).Out)!.AsArray();
        Assert.Equal(12, listed.Count);
        Assert.All(listed, d => Assert.Equal(("sent", (int)body["digest_id"]!), ((string)d!["state"]!, (int)d["digest_id"]!)));
    }

    [Fact]
    public async Task As_many_alerts_as_the_threshold_go_one_message_each()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = await SiteAsync(receiver, 3, threshold: "3");
        await FailAllAsync(site, 3);
        await site.RunAsync("scan");
        Assert.Equal(["alert", "alert", "alert"], receiver.At("/hook").Select(r => (string)r.Json["event"]!));
        Assert.All(await site.DeliveriesAsync(), d => Assert.Null(d.DigestId));
    }

    [Fact]
    public async Task A_threshold_of_zero_never_makes_a_digest()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = await SiteAsync(receiver, 12, threshold: "0");
        await FailAllAsync(site, 12);
        await site.RunAsync("scan");
        Assert.Equal(12, receiver.At("/hook").Count(r => (string)r.Json["event"]! == "alert"));
    }

    [Fact]
    public async Task Recoveries_have_their_own_digest_in_english_too()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = await SiteAsync(receiver, 4, threshold: "2");
        site.Environment["NOTIFICATION_LANGUAGE"] = "en";
        await FailAllAsync(site, 4, minutesAgo: 55);
        await site.RunAsync("scan");
        await FailAllAsync(site, 4, status: "success", minutesAgo: 45);
        await site.RunAsync("scan");

        Assert.Equal(["BACKUP ALERT - 4 failing backups", "BACKUP RECOVERED - 4 backups recovered"],
            receiver.At("/hook").Select(r => (string)r.Json["subject"]!));
        Assert.Equal(2, (await site.DeliveriesAsync()).Select(d => d.DigestId).Distinct().Count());
    }

    [Fact]
    public async Task A_refused_digest_leaves_each_delivery_pending_with_its_attempt_and_is_sent_whole_later()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = await SiteAsync(receiver, 3, threshold: "2");
        receiver.Answer("/hook", 503);
        await FailAllAsync(site, 3);
        await site.RunAsync("scan");

        var pending = await site.DeliveriesAsync();
        Assert.All(pending, d => Assert.Equal((DeliveryState.Pending, 1, (int?)null), (d.State, d.Attempts, d.DigestId)));
        Assert.All(pending, d => Assert.StartsWith("http 503", d.LastError));

        await site.RunAsync("scan");
        Assert.Equal(2, receiver.At("/hook").Count);
        var sent = await site.DeliveriesAsync();
        Assert.All(sent, d => Assert.Equal((DeliveryState.Sent, 2), (d.State, d.Attempts)));
        Assert.Single(sent.Select(d => d.DigestId).Distinct());
        Assert.NotNull(sent[0].DigestId);
    }

    [Fact]
    public async Task An_email_digest_is_one_message_with_one_line_per_notice()
    {
        using var site = new NotificationTestSite(new Dictionary<string, string?>
        {
            ["EMAIL_SENDER"] = "monitor@example.com", ["ADMIN_EMAIL_RECIPIENT"] = "ops@example.com",
        });
        var pickup = Path.Combine(site.Folder, "mail");
        site.Environment["EMAIL_PICKUP_DIRECTORY"] = pickup;
        for (var i = 1; i <= 11; i++) await site.AddJobAsync($"db{i:00}");
        await FailAllAsync(site, 11, status: "transfer_integrity_failed");

        await site.RunAsync("scan");

        var mail = await MimeMessage.LoadAsync(Assert.Single(Directory.GetFiles(pickup, "*.eml")));
        Assert.Equal("ALERTE SAUVEGARDE - 11 sauvegardes en échec", mail.Subject);
        Assert.Equal(11, mail.TextBody!.Split('\n').Count(l => l.Contains("| TRANSFER_INTEGRITY_FAILED | Intégrité du transfert échouée signalée par l'agent.")));
        Assert.NotNull(mail.HtmlBody);
        Assert.All(await site.DeliveriesAsync(), d => Assert.Equal(DeliveryState.Sent, d.State));
    }

    private static class Channels
    {
        public static string WebhookSignature(string secret, byte[] body) => BackupMonitor.Notifications.Channels.WebhookChannel.Signature(secret, body);
    }
}
