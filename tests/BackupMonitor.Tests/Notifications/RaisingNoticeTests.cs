using BackupMonitor.Decisions;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Notifications;

/// <summary>
/// The one notice builder used from outside the scan (README "Raising a notice"): notices without an entry or a job,
/// their routing and quieting, their idempotency key, and how each channel renders them.
/// </summary>
public sealed class RaisingNoticeTests
{
    private const string Agent = "ACME_Paris_Centre";

    private static async Task<TestSite> SiteAsync(HttpReceiver receiver, Dictionary<string, string?>? settings = null, params AlertRoute[] routes)
    {
        var site = await TestSite.CreateAsync(settings);
        await using var scope = site.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        db.Destinations.Add(new Destination { Name = "hook", Kind = DestinationKind.Webhook, Target = receiver.BaseUrl + "/hook", CreatedAtUtc = site.Now });
        db.Routes.AddRange(routes);
        await db.SaveChangesAsync();
        return site;
    }

    private static AlertRoute Route(string? statuses = null, string? company = null, string? city = null) =>
        new() { Destination = "hook", Statuses = statuses, Company = company, City = city };

    private static async Task<IReadOnlyList<Notice>> RaiseAsync(TestSite site, params NoticeDraft[] drafts)
    {
        await using var scope = site.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<NoticeOutbox>().RaiseAsync(drafts, CancellationToken.None);
    }

    private static async Task DeliverAsync(TestSite site)
    {
        await using var scope = site.CreateScope();
        await scope.ServiceProvider.GetRequiredService<INoticeDelivery>().DeliverPendingAsync(CancellationToken.None, DeliveryPass.EveryPending);
    }

    private static async Task<List<Delivery>> DeliveriesAsync(TestSite site)
    {
        await using var scope = site.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().Deliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync();
    }

    [Fact]
    public async Task A_retention_warning_has_no_entry_its_own_subject_and_is_raised_once_per_key()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var site = await SiteAsync(receiver, routes: Route(statuses: "warning"));
        var job = await site.AddJobAsync(Agent, "sales");
        var draft = NoticeDraft.Warn(WarningKind.RetentionRefused, job, "would delete the last verified backup", "retention:1:2026-11-23");

        var first = await RaiseAsync(site, draft);
        var again = await RaiseAsync(site, draft);
        await DeliverAsync(site);

        var notice = Assert.Single(first);
        Assert.Empty(again);
        Assert.Equal((null, job.Id, "warning", WarningKind.RetentionRefused), (notice.BackupEntryId, notice.ExpectedJobId, notice.Status, notice.Warning));
        var body = Assert.Single(receiver.At("/hook")).Json;
        Assert.Equal("warning", (string?)body["event"]);
        Assert.Equal("AVERTISSEMENT SAUVEGARDE - sales - RÉTENTION REFUSÉE", (string?)body["subject"]);
        Assert.Null(body["entry"]);
        Assert.Equal("sales", (string?)body["job"]!["database_name"]);
        Assert.Equal("would delete the last verified backup", (string?)body["detail"]);
        Assert.Contains("would delete the last verified backup", (string?)body["text"]);
    }

    [Fact]
    public async Task A_failed_drill_routes_by_drill_failed_and_a_window_covering_its_job_quiets_it()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var site = await SiteAsync(receiver, new() { ["NOTIFICATION_LANGUAGE"] = "en" }, Route(statuses: "drill_failed"));
        var job = await site.AddJobAsync(Agent, "sales");
        var other = await site.AddJobAsync(Agent, "hr");
        await using (var scope = site.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
            db.MaintenanceWindows.Add(new MaintenanceWindow { Database = "hr", FromUtc = site.Now.AddHours(-1), UntilUtc = site.Now.AddHours(1), Reason = "move", CreatedAtUtc = site.Now });
            await db.SaveChangesAsync();
        }

        await RaiseAsync(site, NoticeDraft.DrillFailed(job, 7, "pg_restore: error: could not read", "drill:7"),
            NoticeDraft.DrillFailed(other, 8, "pg_restore: error", "drill:8"));
        await DeliverAsync(site);

        var body = Assert.Single(receiver.At("/hook")).Json;
        Assert.Equal(("alert", "BACKUP ALERT - sales - RESTORE FAILED", "drill_failed", 7),
            ((string?)body["event"], (string?)body["subject"], (string?)body["status"], (int)body["drill_id"]!));
        var quieted = (await DeliveriesAsync(site)).Single(d => d.State == DeliveryState.Suppressed);
        Assert.Equal("suppressed: maintenance window 1 (move)", quieted.LastError);
    }

    [Fact]
    public async Task A_monthly_report_has_no_job_routes_by_company_only_and_renders_its_payload_with_its_own_templates()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var templates = TestSite.NewTempFolder();
        File.WriteAllText(Path.Combine(templates, "report.fr.subject.liquid"), "RAPPORT SAUVEGARDES - {{ company_name }} - {{ period }} - {{ payload.compliance }} %");
        File.WriteAllText(Path.Combine(templates, "report.fr.text.liquid"), "{% for job in payload.jobs %}{{ job.name }} {% endfor %}");
        File.WriteAllText(Path.Combine(templates, "report.fr.html.liquid"), "<p>{{ text }}</p>");
        File.WriteAllText(Path.Combine(templates, "report.fr.chat.liquid"), "{{ subject }}");
        await using var site = await SiteAsync(receiver, new() { ["TEMPLATES_DIRECTORY"] = templates },
            Route(company: "ACME", statuses: "report"), Route(city: "Paris"));

        await RaiseAsync(site, NoticeDraft.Report("ACME", "2026-11", """{"compliance": 97.5, "jobs": [{"name": "sales"}, {"name": "hr"}]}""", "report:ACME:2026-11"));
        await DeliverAsync(site);

        var body = Assert.Single(receiver.At("/hook")).Json;
        Assert.Equal(("report", "RAPPORT SAUVEGARDES - ACME - 2026-11 - 97.5 %", "sales hr\n"),
            ((string?)body["event"], (string?)body["subject"], (string?)body["text"]));
        Assert.Null(body["job"]);
        Assert.Equal(("ACME", "2026-11"), ((string?)body["company"], (string?)body["period"]));
        TestSite.DeleteFolder(templates);
    }

    [Fact]
    public async Task A_notice_no_destination_takes_is_recorded_as_skipped_for_admins()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var site = await SiteAsync(receiver, routes: Route(statuses: "failed"));
        var job = await site.AddJobAsync(Agent, "sales");

        await RaiseAsync(site, NoticeDraft.Warn(WarningKind.DrillRowDrop, job, "rows 100 → 10", "drill:9:rows", drillId: 9));

        var delivery = Assert.Single(await DeliveriesAsync(site));
        Assert.Equal((Destination.Admins, DeliveryState.Skipped, NoticeBuilder.NoDestination), (delivery.Destination, delivery.State, delivery.LastError));
    }
}
