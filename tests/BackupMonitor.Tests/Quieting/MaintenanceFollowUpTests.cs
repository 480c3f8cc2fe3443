using BackupMonitor.Tests.Notifications;

namespace BackupMonitor.Tests.Quieting;

/// <summary>SPEC §6.3's follow-up alert after a window, raised through the one notice builder.</summary>
public sealed class MaintenanceFollowUpTests
{
    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    [Fact]
    public async Task A_follow_up_alert_no_destination_takes_is_recorded_as_skipped_for_admins()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = new NotificationTestSite();
        site.Environment["ALERT_MODE"] = "on_change";
        await site.RunAsync("destinations", "add", "hook", "--kind", "webhook", "--target", receiver.BaseUrl + "/hook");
        await site.RunAsync("routes", "add", "--destination", "hook");
        await site.AddJobAsync("sales");
        var until = site.Now.AddMinutes(30);
        await site.RunAsync("maintenance", "add", "--from", Iso(site.Now.AddHours(-2)), "--until", Iso(until));
        // The first failure alerts (suppressed by the window); the second, the same status, raises nothing in on_change.
        await site.WriteReportAsync("sales", "failed", site.Now.AddMinutes(-55));
        await site.WriteReportAsync("sales", "failed", site.Now.AddMinutes(-45));
        await site.RunAsync("scan");
        Assert.Single(await site.NoticesAsync());
        // The only destination goes: when the window ends, the follow-up alert for the latest entry reaches no one.
        Assert.Equal(0, (await site.RunAsync("destinations", "remove", "hook")).ExitCode);

        site.Time.Advance(until - site.Now + TimeSpan.FromMinutes(60));
        await site.RunAsync("scan");

        var notices = await site.NoticesAsync();
        Assert.Equal(2, notices.Count);
        var latest = (await site.EntriesAsync())[^1];
        var followUp = Assert.Single(notices, n => n.BackupEntryId == latest.Id);
        var delivery = Assert.Single(await site.DeliveriesAsync(), d => d.NoticeId == followUp.Id);
        Assert.Equal((Destination.Admins, DeliveryState.Skipped), (delivery.Destination, delivery.State));
        Assert.Equal("no destination: ADMIN_EMAIL_RECIPIENT is not set and no route matches", delivery.LastError);
        Assert.Contains(followUp.Id.ToString(), (await site.RunAsync("notifications", "list")).Out);
        Assert.Empty(receiver.Received);
    }
}
