using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;

namespace BackupMonitor.Tests.Notifications;

/// <summary>The seed's scanner integration tests, through `backupmonitor scan`: which entries leave a notice.</summary>
public sealed class ScanNotificationTests
{
    private const string DisabledWarning = "SMTP e-mail settings are not configured: e-mail notification is disabled.";

    [Theory]
    [InlineData("failed", BackupEntryStatus.Failed)]
    [InlineData("transfer_integrity_failed", BackupEntryStatus.TransferIntegrityFailed)]
    [InlineData("hash_mismatch", BackupEntryStatus.HashMismatch)]
    [InlineData("missing", BackupEntryStatus.Missing)]
    public async Task Scan_creates_one_alert_for_a_failure_entry(string reported, BackupEntryStatus expected)
    {
        using var site = new NotificationTestSite();
        await site.AddJobAsync("sales");
        await site.WriteReportAsync("sales", reported);

        var run = await site.RunAsync("scan");

        Assert.Equal(0, run.ExitCode);
        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(expected, entry.Status);
        var (_, notice, message) = Assert.Single(await site.MessagesAsync());
        Assert.Equal((NoticeKind.Alert, entry.Id, entry.ExpectedJobId), (notice.Kind, notice.BackupEntryId, notice.ExpectedJobId));
        Assert.Equal($"ALERTE SAUVEGARDE - sales - {expected.ToLabel()}", message.Subject);
        Assert.Contains($"Alert raised for job 'sales' with status '{expected.ToWire()}'.", run.Err);
    }

    [Fact]
    public async Task Scan_creates_an_alert_for_a_missed_cycle()
    {
        using var site = new NotificationTestSite();
        await site.AddJobAsync("erp", expectedUtc: site.Now.AddMinutes(-150));

        await site.RunAsync("scan");

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.Missing, entry.Status);
        var (_, _, message) = Assert.Single(await site.MessagesAsync());
        Assert.Equal("ALERTE SAUVEGARDE - erp - MISSING", message.Subject);
        Assert.Contains($"  Cycle attendu          : {entry.ExpectedCycleUtc:yyyy-MM-dd'T'HH:mm:ss'Z'}", message.Text);
    }

    [Fact]
    public async Task Scan_never_notifies_a_success()
    {
        using var site = new NotificationTestSite();
        await site.AddJobAsync("sales");
        await site.WriteReportAsync("sales", "success");

        var run = await site.RunAsync("scan");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(BackupEntryStatus.Success, Assert.Single(await site.EntriesAsync()).Status);
        Assert.Empty(await site.NoticesAsync());
        Assert.DoesNotContain("Alert raised", run.Err);
    }

    [Fact]
    public async Task Missing_email_settings_send_nothing_keep_notices_skipped_and_warn_once()
    {
        using var site = new NotificationTestSite();
        await site.AddJobAsync("sales");
        await site.AddJobAsync("hr");
        await site.WriteReportAsync("sales", "failed");
        await site.WriteReportAsync("hr", "transfer_integrity_failed");

        var run = await site.RunAsync("scan", "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using var summary = JsonDocument.Parse(run.Out);
        Assert.Equal(0, summary.RootElement.GetProperty("notifications_sent").GetInt32());
        Assert.Equal(0, summary.RootElement.GetProperty("notifications_failed").GetInt32());
        Assert.Equal(2, (await site.NoticesAsync()).Count);
        var deliveries = await site.DeliveriesAsync();
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal((DeliveryState.Skipped, "admins"), (d.State, d.Destination)));
        Assert.Single(run.Err.Split('\n'), l => l.Contains(DisabledWarning));
    }

    [Fact]
    public async Task Notifications_list_json_is_an_array_of_snake_case_deliveries()
    {
        using var site = new NotificationTestSite();
        await site.AddJobAsync("sales");
        await site.WriteReportAsync("sales", "failed");
        await site.RunAsync("scan");

        var all = await site.RunAsync("notifications", "list", "--format", "json");
        var pending = await site.RunAsync("notifications", "list", "--state", "pending", "--format", "json");
        var table = await site.RunAsync("notifications", "list");

        Assert.Equal(0, all.ExitCode);
        using var json = JsonDocument.Parse(all.Out);
        var notice = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(
            ["id", "notice_id", "kind", "destination", "state", "expected_job_id", "backup_entry_id", "subject", "attempts", "last_error",
             "created_at_utc", "next_attempt_at_utc", "last_attempt_at_utc", "sent_at_utc", "digest_id"],
            notice.EnumerateObject().Select(p => p.Name));
        Assert.Equal("admins", notice.GetProperty("destination").GetString());
        Assert.Equal("alert", notice.GetProperty("kind").GetString());
        Assert.Equal("skipped", notice.GetProperty("state").GetString());
        Assert.Equal("ALERTE SAUVEGARDE - sales - FAILED", notice.GetProperty("subject").GetString());
        Assert.EndsWith("Z", notice.GetProperty("created_at_utc").GetString());
        Assert.Equal("[]", pending.Out.Trim());
        Assert.Contains("ALERTE SAUVEGARDE - sales - FAILED", table.Out);
        Assert.Equal(2, (await site.RunAsync("notifications", "list", "--state", "nope")).ExitCode);
    }
}

/// <summary>The seed's test_notify_backup_status_change_notification_error_handling: a send error is logged, never thrown.</summary>
public sealed class SendErrorTests
{
    private sealed class RefusingTransport : BackupMonitor.Notifications.IMailTransport, BackupMonitor.Notifications.IMailSession
    {
        public int Attempts;
        public string Describe() => "a transport that always fails";
        public Task<BackupMonitor.Notifications.IMailSession> OpenAsync(CancellationToken cancellationToken) => Task.FromResult<BackupMonitor.Notifications.IMailSession>(this);
        public Task SendAsync(MimeKit.MimeMessage message, CancellationToken cancellationToken)
        {
            Attempts++;
            throw new BackupMonitor.Notifications.NotificationException(BackupMonitor.Notifications.NotificationFailure.Other, "Test notification error");
        }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_send_error_is_logged_with_the_seed_wording_and_does_not_fail_the_scan()
    {
        var transport = new RefusingTransport();
        using var site = new NotificationTestSite(new Dictionary<string, string?>
        {
            ["EMAIL_HOST"] = "smtp.test.com", ["EMAIL_SENDER"] = "sender@test.com", ["ADMIN_EMAIL_RECIPIENT"] = "admin@example.com",
        });
        site.Registrations.Add(s => s.AddSingleton<BackupMonitor.Notifications.IMailTransport>(transport));
        await site.AddJobAsync("test_db", expectedUtc: site.Now.AddMinutes(-150));

        var run = await site.RunAsync("scan");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(1, transport.Attempts);
        Assert.Contains("error: Sending the notification for job 'test_db' failed: Test notification error", run.Err);
        Assert.Equal(DeliveryState.Pending, Assert.Single(await site.DeliveriesAsync()).State);
    }
}
