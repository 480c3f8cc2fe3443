using System.Text.Json;
using BackupMonitor.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Notifications;

/// <summary>
/// The outbox delivered to a real SMTP server (STARTTLS + AUTH, throwaway CA) by `backupmonitor scan`:
/// what arrives, what happens when the server refuses or is down, and that the password never shows.
/// </summary>
public sealed class DeliveryTests
{
    private static async Task<(NotificationTestSite Site, int JobId)> FailedBackupAsync(Dictionary<string, string?> settings, string status = "hash_mismatch")
    {
        var site = new NotificationTestSite(settings);
        var job = await site.AddJobAsync("sales");
        await site.WriteReportAsync("sales", status);
        return (site, job);
    }

    private static int Count(CliHarness.Run run, string property)
    {
        using var json = JsonDocument.Parse(run.Out);
        return json.RootElement.GetProperty(property).GetInt32();
    }

    [Fact]
    public async Task Scan_delivers_the_alert_and_the_server_receives_every_field()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var (site, jobId) = await FailedBackupAsync(server.Settings());
        using var _ = site;

        var run = await site.RunAsync("scan", "--format", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal((1, 0), (Count(run, "notifications_sent"), Count(run, "notifications_failed")));
        var (message, envelope) = Assert.Single(server.Received());
        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal("ALERTE SAUVEGARDE - sales - HASH MISMATCH", message.Subject);
        Assert.Equal("backupmonitor@backup.test", message.From.Mailboxes.Single().Address);
        Assert.Equal(["admin1@backup.test", "admin2@backup.test"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal(["MAIL FROM: backupmonitor@backup.test", "RCPT TO: admin1@backup.test", "RCPT TO: admin2@backup.test"], envelope);
        var plain = message.BodyParts.OfType<MimeKit.TextPart>().Single(p => p.ContentType.MimeType == "text/plain");
        Assert.NotNull(message.Body);
        Assert.Equal("utf-8", plain.ContentType.Charset);
        Assert.Equal("multipart/alternative", message.Body!.ContentType.MimeType);
        var body = plain.Text;
        foreach (var line in new[]
        {
            "Une anomalie a été détectée concernant la sauvegarde de la base de données 'sales'.",
            $"  ID Job                 : {jobId}",
            "  Nom de la Base de Données : sales",
            "  Agent Responsable      : ACME_Paris_Centre",
            "  Compagnie              : ACME",
            "  Ville                  : Paris",
            "  Statut global du Job   : HASH_MISMATCH",
            $"  ID Entrée              : {entry.Id}",
            "  Statut de l'entrée     : HASH_MISMATCH",
            $"  Horodatage Agent       : {entry.AgentReportTimestampUtc:yyyy-MM-dd'T'HH:mm:ss'Z'}",
            "  Message d'erreur Agent : Aucun message spécifique de l'agent.",
            $"  Message d'erreur       : {entry.ErrorMessage}",
            $"  Hachage Attendu (Agent): {entry.AgentReportedHashSha256}",
            $"  Hachage Calculé (Serveur): {entry.ServerCalculatedStagedHash}",
            $"  Taille Agent (octets)  : {entry.AgentReportedSizeBytes}",
            $"  Taille Calculée (Serveur): {entry.ServerCalculatedStagedSize}",
            "  Comparaison Hachage    : Non conforme",
            "  Résumé des logs Agent  : dump 12 s, gzip 3 s, upload 40 s",
        })
            Assert.Contains(line + "\n", body.Replace("\r\n", "\n"));
        Assert.NotEqual(entry.AgentReportedHashSha256, entry.ServerCalculatedStagedHash);

        var notice = Assert.Single(await site.DeliveriesAsync());
        Assert.Equal((DeliveryState.Sent, 1, "admins"), (notice.State, notice.Attempts, notice.Destination));
        Assert.NotNull(notice.SentAtUtc);

        var again = await site.RunAsync("scan", "--format", "json");
        Assert.Equal(0, Count(again, "notifications_sent"));
        Assert.Single(server.Received());
    }

    [Fact]
    public async Task Wrong_password_keeps_the_delivery_pending_with_its_error_no_attempt_counted_and_the_scan_succeeds()
    {
        const string wrong = "Wr0ng-Pa55-must-not-leak";
        await using var server = await SmtpTestServer.StartAsync();
        var (site, _) = await FailedBackupAsync(server.Settings(password: wrong), status: "failed");
        using var __ = site;

        var run = await site.RunAsync("scan", "--format", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal((0, 1), (Count(run, "notifications_sent"), Count(run, "notifications_failed")));
        var notice = Assert.Single(await site.DeliveriesAsync());
        Assert.Equal((DeliveryState.Pending, 0), (notice.State, notice.Attempts));
        Assert.StartsWith("auth:", notice.LastError);
        Assert.Contains("Sending the notification for job 'sales' failed: auth:", run.Err);
        Assert.Empty(server.Received());
        var list = await site.RunAsync("notifications", "list", "--format", "json");
        Assert.DoesNotContain(wrong, run.All + list.All + notice.LastError);
    }

    [Fact]
    public async Task Server_down_leaves_the_delivery_pending_with_no_attempt_then_the_next_scan_delivers_it_exactly_once()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var (site, _) = await FailedBackupAsync(server.Settings());
        using var _ = site;
        await server.StopAsync();

        var down = await site.RunAsync("scan", "--format", "json");

        Assert.Equal(0, down.ExitCode);
        Assert.Equal(1, Count(down, "notifications_failed"));
        var pending = Assert.Single(await site.DeliveriesAsync());
        Assert.Equal((DeliveryState.Pending, 0), (pending.State, pending.Attempts));
        Assert.StartsWith("connect:", pending.LastError);
        Assert.Equal(site.Now.AddSeconds(30), pending.NextAttemptAtUtc);

        await server.StartAgainAsync();
        // No time passes: a scan tries every pending notice once, whatever its backoff.
        var up = await site.RunAsync("scan", "--format", "json");
        var later = await site.RunAsync("scan", "--format", "json");

        Assert.Equal((1, 0), (Count(up, "notifications_sent"), Count(up, "notifications_failed")));
        Assert.Equal((0, 0), (Count(later, "notifications_sent"), Count(later, "notifications_failed")));
        Assert.Single(server.Received());
        var sent = Assert.Single(await site.DeliveriesAsync());
        Assert.Equal((DeliveryState.Sent, 1, (string?)null), (sent.State, sent.Attempts, sent.LastError));
    }

    [Fact]
    public async Task Certificate_from_another_CA_is_refused_and_nothing_is_sent()
    {
        await using var server = await SmtpTestServer.StartAsync(certificateFromOtherCa: true);
        var (site, _) = await FailedBackupAsync(server.Settings());
        using var _ = site;

        var run = await site.RunAsync("scan");

        Assert.Equal(0, run.ExitCode);
        var notice = Assert.Single(await site.DeliveriesAsync());
        Assert.Equal(DeliveryState.Pending, notice.State);
        Assert.StartsWith("certificate:", notice.LastError);
        Assert.Empty(server.Received());
        Assert.DoesNotContain("auth ok", server.Events());
    }

    [Fact]
    public async Task After_EMAIL_MAX_ATTEMPTS_refusals_of_the_message_the_delivery_is_failed_and_no_longer_tried()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var settings = server.Settings();
        settings["EMAIL_MAX_ATTEMPTS"] = "2";
        settings["ADMIN_EMAIL_RECIPIENT"] = "refused@backup.test";
        var (site, _) = await FailedBackupAsync(settings);
        using var _ = site;

        var first = await site.RunAsync("scan", "--format", "json");
        await site.RunAsync("scan");
        var third = await site.RunAsync("scan", "--format", "json");

        Assert.Equal(1, Count(first, "notifications_failed"));
        var notice = Assert.Single(await site.DeliveriesAsync());
        Assert.Equal((DeliveryState.Failed, 2), (notice.State, notice.Attempts));
        Assert.StartsWith("recipient:", notice.LastError);
        Assert.Null(notice.NextAttemptAtUtc);
        Assert.Equal(0, Count(third, "notifications_failed"));
        Assert.Empty(server.Received());
    }

    [Fact]
    public async Task DELIVERY_MAX_ATTEMPTS_wins_over_its_older_name()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var settings = server.Settings();
        settings["EMAIL_MAX_ATTEMPTS"] = "5";
        settings["DELIVERY_MAX_ATTEMPTS"] = "1";
        settings["ADMIN_EMAIL_RECIPIENT"] = "refused@backup.test";
        var (site, _) = await FailedBackupAsync(settings);
        using var _ = site;

        await site.RunAsync("scan");

        Assert.Equal((DeliveryState.Failed, 1), (Assert.Single(await site.DeliveriesAsync()) is var d ? (d.State, d.Attempts) : default));
    }

    [Fact]
    public async Task The_serve_pass_waits_for_the_backoff_30_s_doubling_capped_at_the_scan_interval()
    {
        Assert.Equal(
            [30, 60, 120, 240, 300, 300],
            Enumerable.Range(1, 6).Select(a => OutboxDelivery.Backoff(a, TimeSpan.FromSeconds(300)).TotalSeconds));

        await using var server = await SmtpTestServer.StartAsync();
        var (site, _) = await FailedBackupAsync(server.Settings());
        using var _ = site;
        await server.StopAsync();
        await site.RunAsync("scan");
        await server.StartAgainAsync();

        await using var services = await site.ServicesAsync();
        async Task<DeliveryResult> DuePassAsync()
        {
            await using var scope = services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<INoticeDelivery>().DeliverPendingAsync(CancellationToken.None);
        }

        Assert.Equal(DeliveryResult.None, await DuePassAsync());
        site.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(new DeliveryResult(1, 0), await DuePassAsync());
        Assert.Single(server.Received());
    }

    [Fact]
    public async Task Recovery_notice_after_a_failure_then_a_success()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var (site, _) = await FailedBackupAsync(server.Settings(), status: "failed");
        using var _ = site;
        await site.RunAsync("scan");

        await site.WriteReportAsync("sales", "success", site.Now.AddMinutes(-20));
        var run = await site.RunAsync("scan", "--format", "json");

        Assert.Equal(1, Count(run, "notifications_sent"));
        var received = server.Received();
        Assert.Equal(["ALERTE SAUVEGARDE - sales - FAILED", "RÉTABLISSEMENT SAUVEGARDE - sales"], received.Select(r => r.Message.Subject));
        Assert.Contains("(statut précédent : FAILED)", received[1].Message.TextBody);
        Assert.Equal([NoticeKind.Alert, NoticeKind.Recovery], (await site.NoticesAsync()).Select(n => n.Kind));
        Assert.Equal([JobStatus.Failed, JobStatus.Failed], (await site.NoticesAsync()).Select(n => n.PreviousJobStatus is var p && n.Kind == NoticeKind.Recovery ? p : n.JobStatus));
    }

    [Fact]
    public async Task Notify_test_says_what_worked_and_what_failed_and_never_prints_the_password()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var good = new NotificationTestSite(server.Settings());
        using var bad = new NotificationTestSite(server.Settings(password: "Wr0ng-Pa55-must-not-leak"));

        var ok = await good.RunAsync("notify", "test", "--to", "ops@backup.test");
        var refused = await bad.RunAsync("notify", "test");

        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("Worked: DNS, connect, STARTTLS, certificate, auth as alerts@backup.test, recipient accepted.", ok.Out);
        Assert.Contains("Test e-mail sent: the server accepted it for ops@backup.test.", ok.Out);
        var (message, envelope) = Assert.Single(server.Received());
        Assert.Equal("TEST SAUVEGARDE - message de test de BackupMonitor", message.Subject);
        Assert.Contains("RCPT TO: ops@backup.test", envelope);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Worked: DNS, connect, STARTTLS, certificate.", refused.Out);
        Assert.Contains("error: test e-mail NOT sent — auth:", refused.Err);
        Assert.DoesNotContain(SmtpTestServer.Password, ok.All + refused.All);
        Assert.DoesNotContain("Wr0ng-Pa55-must-not-leak", ok.All + refused.All);
    }
}
