using BackupMonitor.Tests.Notifications;

namespace BackupMonitor.Tests.Quieting;

/// <summary>SPEC §6.1 ALERT_MODE through `scan`, a real webhook receiver and a fake clock.</summary>
public sealed class AlertModeTests
{
    private static async Task<NotificationTestSite> SiteAsync(HttpReceiver receiver, string? mode, string? reminderHours = null)
    {
        var site = new NotificationTestSite();
        if (mode is not null) site.Environment["ALERT_MODE"] = mode;
        if (reminderHours is not null) site.Environment["ALERT_REMINDER_HOURS"] = reminderHours;
        Assert.Equal(0, (await site.RunAsync("destinations", "add", "hook", "--kind", "webhook", "--target", receiver.BaseUrl + "/hook")).ExitCode);
        Assert.Equal(0, (await site.RunAsync("routes", "add", "--destination", "hook")).ExitCode);
        await site.AddJobAsync("sales");
        return site;
    }

    private static async Task ReportAsync(NotificationTestSite site, string status, int minutesAgo)
    {
        await site.WriteReportAsync("sales", status, site.Now.AddMinutes(-minutesAgo));
        Assert.Equal(0, (await site.RunAsync("scan")).ExitCode);
    }

    private static List<string> Received(HttpReceiver receiver) =>
        receiver.At("/hook").Select(r => $"{r.Json["event"]} {r.Json["entry"]?["status"]}").ToList();

    [Fact]
    public async Task On_change_alerts_on_entering_or_changing_a_failure_then_reminds_every_reminder_hours()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = await SiteAsync(receiver, "on_change", reminderHours: "2");
        await ReportAsync(site, "failed", 58);
        await ReportAsync(site, "failed", 56);                      // same status: quiet
        await ReportAsync(site, "transfer_integrity_failed", 54);   // another failure status: alert
        site.Time.Advance(TimeSpan.FromMinutes(119));
        await ReportAsync(site, "transfer_integrity_failed", 50);   // 1 h 59 min after the last alert: quiet
        site.Time.Advance(TimeSpan.FromMinutes(1));
        await ReportAsync(site, "transfer_integrity_failed", 45);   // 2 h: reminder
        await ReportAsync(site, "success", 40);                     // recovery
        await ReportAsync(site, "failed", 35);                      // failing again: alert

        Assert.Equal(
            ["alert failed", "alert transfer_integrity_failed", "alert transfer_integrity_failed", "recovery success", "alert failed"],
            Received(receiver));
        // Entries are all recorded; only the notices are fewer.
        Assert.Equal(7, (await site.EntriesAsync()).Count);
        Assert.Equal(5, (await site.NoticesAsync()).Count);
    }

    [Fact]
    public async Task The_default_stays_one_alert_per_failed_entry()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = await SiteAsync(receiver, mode: null);
        await ReportAsync(site, "failed", 58);
        await ReportAsync(site, "failed", 56);
        await ReportAsync(site, "failed", 54);
        Assert.Equal(["alert failed", "alert failed", "alert failed"], Received(receiver));
    }
}
