using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BackupMonitor.Tests.Api;
using BackupMonitor.Tests.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Quieting;

/// <summary>SPEC §6.3 maintenance windows through the command line, a real webhook receiver and a fake clock; and the API.</summary>
public sealed class MaintenanceWindowTests
{
    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private static async Task<NotificationTestSite> SiteAsync(HttpReceiver receiver)
    {
        var site = new NotificationTestSite();
        Assert.Equal(0, (await site.RunAsync("destinations", "add", "hook", "--kind", "webhook", "--target", receiver.BaseUrl + "/hook")).ExitCode);
        Assert.Equal(0, (await site.RunAsync("routes", "add", "--destination", "hook")).ExitCode);
        await site.AddJobAsync("sales");
        await site.AddJobAsync("stock");
        return site;
    }

    [Fact]
    public async Task While_a_window_covers_a_job_its_entries_are_recorded_and_its_alerts_suppressed_naming_the_window()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = await SiteAsync(receiver);
        var add = await site.RunAsync("maintenance", "add", "--database", "sa*", "--from", Iso(site.Now.AddHours(-2)), "--until", Iso(site.Now.AddHours(1)), "--reason", "SAN swap");
        Assert.Equal(0, add.ExitCode);
        Assert.Equal("1", add.Out.Trim());
        await site.WriteReportAsync("sales", "failed", site.Now.AddMinutes(-55));
        await site.WriteReportAsync("stock", "failed", site.Now.AddMinutes(-55));

        await site.RunAsync("scan");

        Assert.Equal(2, (await site.EntriesAsync()).Count);
        var hooks = receiver.At("/hook");
        Assert.Equal("stock", (string)Assert.Single(hooks).Json["job"]!["database_name"]!);
        var quieted = (await site.MessagesAsync()).Single(m => m.Message.Subject.Contains("sales")).Delivery;
        Assert.Equal((DeliveryState.Suppressed, "suppressed: maintenance window 1 (SAN swap)"), (quieted.State, quieted.LastError));
    }

    [Fact]
    public async Task After_the_window_a_job_still_failing_one_grace_period_later_gets_one_alert_for_its_latest_entry_once()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = await SiteAsync(receiver);
        var until = site.Now.AddMinutes(30);
        await site.RunAsync("maintenance", "add", "--from", Iso(site.Now.AddHours(-2)), "--until", Iso(until));
        await site.WriteReportAsync("sales", "failed", site.Now.AddMinutes(-55));
        await site.WriteReportAsync("sales", "transfer_integrity_failed", site.Now.AddMinutes(-45));
        await site.WriteReportAsync("stock", "failed", site.Now.AddMinutes(-55));
        await site.WriteReportAsync("stock", "success", site.Now.AddMinutes(-45)); // recovered inside the window
        await site.RunAsync("scan");
        Assert.DoesNotContain(receiver.At("/hook"), r => (string)r.Json["event"]! == "alert");

        site.Time.Advance(until - site.Now + TimeSpan.FromMinutes(59)); // the job's grace is 60 minutes
        await site.RunAsync("scan");
        Assert.DoesNotContain(receiver.At("/hook"), r => (string)r.Json["event"]! == "alert");

        site.Time.Advance(TimeSpan.FromMinutes(1));
        await site.RunAsync("scan");
        await site.RunAsync("scan");

        var alert = Assert.Single(receiver.At("/hook"), r => (string)r.Json["event"]! == "alert");
        Assert.Equal(("sales", "transfer_integrity_failed"), ((string)alert.Json["job"]!["database_name"]!, (string)alert.Json["entry"]!["status"]!));
        var states = (await site.MessagesAsync()).Where(m => m.Notice.Kind == NoticeKind.Alert).Select(m => (m.Message.Subject, m.Delivery.State)).ToList();
        Assert.Equal(
            [("ALERTE SAUVEGARDE - sales - FAILED", DeliveryState.Suppressed), ("ALERTE SAUVEGARDE - sales - TRANSFER INTEGRITY FAILED", DeliveryState.Sent),
             ("ALERTE SAUVEGARDE - stock - FAILED", DeliveryState.Suppressed)],
            states.OrderBy(s => s.Subject).ToList());
    }

    [Fact]
    public async Task A_recurring_window_quiets_each_occurrence_and_its_end_brings_the_follow_up_alert()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = await SiteAsync(receiver);
        // Every day from one hour ago, for 90 minutes, on the clock of Tokyo (UTC+9, no daylight saving).
        var start = TimeZoneInfo.ConvertTimeFromUtc(site.Now.AddHours(-1), TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        var add = await site.RunAsync("maintenance", "add", "--database", "sales", "--schedule", $"{start.Minute} {start.Hour} * * *",
            "--duration-minutes", "90", "--time-zone", "Asia/Tokyo", "--reason", "nightly vacuum");
        Assert.Equal(0, add.ExitCode);
        Assert.True((bool)JsonNode.Parse((await site.RunAsync("maintenance", "list", "--format", "json")).Out)![0]!["open_now"]!);
        await site.WriteReportAsync("sales", "failed", site.Now.AddMinutes(-55));
        await site.RunAsync("scan");
        var sales = (await site.MessagesAsync()).Single(m => m.Message.Subject.Contains("sales")).Delivery;
        Assert.Equal((DeliveryState.Suppressed, "suppressed: maintenance window 1 (nightly vacuum)"), (sales.State, sales.LastError));
        List<HttpReceiver.Request> SalesHooks() => receiver.At("/hook").Where(r => (string)r.Json["job"]!["database_name"]! == "sales").ToList();

        site.Time.Advance(TimeSpan.FromMinutes(30 + 59)); // the occurrence ended 59 minutes ago; the grace is 60
        await site.RunAsync("scan");
        Assert.Empty(SalesHooks());
        site.Time.Advance(TimeSpan.FromMinutes(1));
        await site.RunAsync("scan");
        Assert.Equal("alert", (string)Assert.Single(SalesHooks()).Json["event"]!);
    }

    [Fact]
    public async Task Two_instances_settling_the_end_of_a_window_at_once_send_each_follow_up_alert_once()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = new NotificationTestSite();
        site.Environment["ALERT_DIGEST_THRESHOLD"] = "0";
        await site.RunAsync("destinations", "add", "hook", "--kind", "webhook", "--target", receiver.BaseUrl + "/hook");
        await site.RunAsync("routes", "add", "--destination", "hook");
        for (var i = 0; i < 30; i++) await site.AddJobAsync($"db{i:00}");
        await site.RunAsync("maintenance", "add", "--from", Iso(site.Now.AddHours(-2)), "--until", Iso(site.Now.AddMinutes(10)));
        for (var i = 0; i < 30; i++) await site.WriteReportAsync($"db{i:00}", "failed", site.Now.AddMinutes(-55));
        await site.RunAsync("scan");
        Assert.All(await site.DeliveriesAsync(), d => Assert.Equal(DeliveryState.Suppressed, d.State));

        site.Time.Advance(TimeSpan.FromHours(2));
        await using var first = await site.ServicesAsync();
        await using var second = await site.ServicesAsync();
        async Task<int> SettleAsync(IServiceProvider services)
        {
            await using var scope = services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<BackupMonitor.Notifications.MaintenanceFollowUp>().RunAsync(CancellationToken.None);
        }
        var settled = await Task.WhenAll(SettleAsync(first), SettleAsync(second));

        Assert.Equal(30, settled.Sum());
        Assert.All(await site.DeliveriesAsync(), d => Assert.Equal((DeliveryState.Pending, (int?)null), (d.State, d.SuppressedByWindowId)));
        await site.RunAsync("scan");
        var alerts = receiver.At("/hook").Select(r => (string)r.Json["job"]!["database_name"]!).ToList();
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"db{i:00}"), alerts.Order());
    }

    [Fact]
    public async Task An_acknowledged_job_gets_no_alert_when_the_window_ends()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = await SiteAsync(receiver);
        await site.RunAsync("maintenance", "add", "--database", "sales", "--from", Iso(site.Now.AddHours(-2)), "--until", Iso(site.Now.AddMinutes(1)));
        await site.WriteReportAsync("sales", "failed", site.Now.AddMinutes(-55));
        await site.RunAsync("scan");
        Assert.Equal(0, (await site.RunAsync("jobs", "ack", "1")).ExitCode);
        site.Time.Advance(TimeSpan.FromHours(3));
        await site.RunAsync("scan");
        Assert.DoesNotContain(receiver.At("/hook"), r => (string)r.Json["job"]!["database_name"]! == "sales");
    }

    [Fact]
    public async Task A_recurring_window_is_listed_with_its_schedule_and_whether_it_is_open_and_can_be_removed()
    {
        using var site = new NotificationTestSite();
        var add = await site.RunAsync("maintenance", "add", "--city", "Paris", "--schedule", "0 2 * * 6", "--duration-minutes", "120", "--time-zone", "Europe/Paris", "--reason", "weekly SAN backup");
        Assert.Equal(0, add.ExitCode);
        var listed = JsonNode.Parse((await site.RunAsync("maintenance", "list", "--format", "json")).Out)!.AsArray();
        var window = Assert.Single(listed)!;
        Assert.Equal(["id", "company", "city", "agent", "database", "from", "until", "schedule", "duration_minutes", "time_zone", "reason", "open_now", "created_at_utc"],
            window.AsObject().Select(p => p.Key));
        Assert.Equal(("Paris", "0 2 * * 6", 120, "Europe/Paris"), ((string)window["city"]!, (string)window["schedule"]!, (int)window["duration_minutes"]!, (string)window["time_zone"]!));
        Assert.Contains("0 2 * * 6 (Europe/Paris) for 120 min", (await site.RunAsync("maintenance", "list")).Out);

        Assert.Equal(0, (await site.RunAsync("maintenance", "remove", "1")).ExitCode);
        Assert.Equal("[]", (await site.RunAsync("maintenance", "list", "--format", "json")).Out.Trim());
        var again = await site.RunAsync("maintenance", "remove", "1");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("no maintenance window 1", again.Err);
    }

    [Theory]
    [InlineData("schedule", "--from", "2026-12-05T22:00:00Z", "--until", "2026-12-05T23:00:00Z", "--schedule", "0 2 * * *", "--duration-minutes", "60")]
    [InlineData("from")]
    [InlineData("until", "--from", "2026-12-05T22:00:00Z", "--until", "2026-12-05T21:00:00Z")]
    [InlineData("until", "--from", "2026-12-05T22:00:00Z", "--until", "tomorrow")]
    [InlineData("schedule", "--schedule", "0 25 * * *", "--duration-minutes", "60")]
    [InlineData("duration_minutes", "--schedule", "0 2 * * *")]
    [InlineData("duration_minutes", "--schedule", "0 2 * * *", "--duration-minutes", "0")]
    [InlineData("time_zone", "--schedule", "0 2 * * *", "--duration-minutes", "60", "--time-zone", "Mars/Olympus")]
    public async Task A_bad_window_is_refused_naming_the_field(string field, params string[] args)
    {
        using var site = new NotificationTestSite();
        var run = await site.RunAsync(["maintenance", "add", .. args]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error: {field}:", run.Err);
        Assert.Equal("[]", (await site.RunAsync("maintenance", "list", "--format", "json")).Out.Trim());
    }

    [Fact]
    public async Task The_api_lists_with_any_key_and_adds_and_removes_with_a_full_key()
    {
        await using var host = await ApiTestHost.StartAsync();
        var body = new { database = "sales", from = "2026-12-05T22:00:00Z", until = "2026-12-06T04:00:00+01:00", reason = "move" };
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Read.PostAsJsonAsync("/api/maintenance", body)).StatusCode);
        var created = await host.Full.PostAsJsonAsync("/api/maintenance", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var window = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.Equal($"/api/maintenance/{window["id"]}", created.Headers.Location!.OriginalString);
        Assert.Equal(new DateTime(2026, 12, 6, 3, 0, 0, DateTimeKind.Utc), (DateTime)window["until"]!);
        Assert.Single(JsonNode.Parse(await host.Read.GetStringAsync("/api/maintenance"))!.AsArray());

        var bad = await host.Full.PostAsJsonAsync("/api/maintenance", new { schedule = "0 2 * * *", duration_minutes = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var problem = await ApiTestHost.ProblemAsync(bad))
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("duration_minutes", out _), problem.RootElement.ToString());

        Assert.Equal(HttpStatusCode.Forbidden, (await host.Read.DeleteAsync($"/api/maintenance/{window["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Full.DeleteAsync($"/api/maintenance/{window["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Full.DeleteAsync($"/api/maintenance/{window["id"]}")).StatusCode);
    }
}
