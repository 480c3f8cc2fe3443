using BackupMonitor.Contracts;
using BackupMonitor.Tests.Api;
using BackupMonitor.Jobs;
using BackupMonitor.MonthlyReports;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using BackupMonitor.Hosting;
using BackupMonitor.Scanning;
using BackupMonitor.Tests.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace BackupMonitor.Tests.MonthlyReports;

/// <summary>
/// The monthly delivery on a real database (SQLite, or PostgreSQL with BACKUPMONITOR_TEST_DATABASE=postgres) with the
/// fake clock crossing March's end in Paris (REPORT_HOUR 6 there is 04:00 UTC on 1 April): nothing before, one
/// `report` notice per company from then, once however many runners ask, caught up after a `serve` that was down,
/// and delivered for real — to the test SMTP server (STARTTLS, AUTH) with the printable page attached, and as JSON to
/// an HTTP receiver whose route asks for `report`.
/// </summary>
public sealed class MonthlyDeliveryTests
{
    private static readonly DateTime ReportTime = new(2026, 4, 1, 4, 0, 0, DateTimeKind.Utc); // 06:00 in Paris (summer time)

    private static Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["REPORT_TIME_ZONE"] = "Europe/Paris", ["REPORT_HOUR"] = "6" };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        return settings;
    }

    /// <summary>
    /// ACME's sales (02:00 UTC, successes the first 20 days of March) and Initech's ledger (03:00 UTC, nothing ever
    /// arrived), both registered just after February ended in Paris, so February has no report.
    /// </summary>
    private static async Task<TestSite> SiteAsync(Dictionary<string, string?>? settings = null)
    {
        var site = await TestSite.CreateAsync(Settings(settings), now: new DateTime(2026, 2, 28, 23, 30, 0, DateTimeKind.Utc));
        await using var scope = site.CreateScope();
        var registry = scope.ServiceProvider.GetRequiredService<JobRegistry>();
        var sales = await registry.AddAsync(new NewJob("ACME", "Paris", "Centre", "sales", 2, 0));
        await registry.AddAsync(new NewJob("Initech", "Lyon", "Part-Dieu", "ledger", 3, 0));
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        for (var day = 1; day <= 20; day++)
        {
            var cycle = new DateTime(2026, 3, day, 2, 0, 0, DateTimeKind.Utc);
            db.Entries.Add(new BackupEntry
            {
                ExpectedJobId = sales.Id, Status = BackupEntryStatus.Success, AgentReportTimestampUtc = cycle.AddMinutes(10), ExpectedCycleUtc = cycle,
                CreatedAtUtc = cycle.AddMinutes(15), ContentCheck = ContentCheck.Passed,
            });
        }
        await db.SaveChangesAsync();
        return site;
    }

    /// <summary>What `serve` runs after a scan, as one process: its own runner, remembering what it settled.</summary>
    private static MonthlyReportDelivery Runner(IServiceProvider services) => new(services.GetRequiredService<IServiceScopeFactory>());

    private static async Task<List<Notice>> ReportsAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().Notices.AsNoTracking()
            .Where(n => n.Kind == NoticeKind.Report).Include(n => n.Deliveries).OrderBy(n => n.Id).ToListAsync();
    }

    private static async Task DeliverAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<INoticeDelivery>().DeliverPendingAsync(CancellationToken.None, DeliveryPass.EveryPending);
    }

    /// <summary>A second process on the same database and clock: its own services, connections and DbContexts.</summary>
    private static ServiceProvider SecondProcess(TestSite site) =>
        new ServiceCollection().AddLogging().AddBackupMonitorCore(site.Settings, site.Time).BuildServiceProvider();

    private static IServiceProvider Services(TestSite site) => site.CreateScope().ServiceProvider;

    [Fact]
    public async Task Nothing_before_report_hour_on_the_1st_then_one_report_per_company_for_the_month_just_ended_once()
    {
        await using var site = await SiteAsync();
        var services = Services(site);
        var runner = Runner(services);

        foreach (var before in new[] { new DateTime(2026, 3, 31, 21, 59, 0, DateTimeKind.Utc), new DateTime(2026, 3, 31, 22, 0, 0, DateTimeKind.Utc), ReportTime.AddMinutes(-1) })
        {
            site.SetNow(before);
            await runner.AfterScanAsync(CancellationToken.None);
            Assert.Empty(await ReportsAsync(services));
        }

        site.SetNow(ReportTime);
        await runner.AfterScanAsync(CancellationToken.None);
        site.SetNow(ReportTime.AddHours(5));
        await runner.AfterScanAsync(CancellationToken.None);
        await Runner(services).AfterScanAsync(CancellationToken.None); // a restarted serve

        var reports = await ReportsAsync(services);
        Assert.Equal([("ACME", "report:2026-03:ACME"), ("Initech", "report:2026-03:Initech")], reports.Select(n => (n.CompanyName!, n.DedupeKey!)));
        Assert.All(reports, n => Assert.Equal(("2026-03", "report", ReportTime, (int?)null), (n.Period!, n.Status, n.CreatedAtUtc, n.ExpectedJobId)));
        var acme = CompanyMonthView.FromJson(reports[0].Payload!);
        Assert.Equal((31, 20, 11, 0, 64.5m), (acme.Expected, acme.Success, acme.Missing, acme.Excluded, acme.CompliancePercent));
        var initech = CompanyMonthView.FromJson(reports[1].Payload!);
        Assert.Equal((31, 0, 31, 0.0m), (initech.Expected, initech.Success, initech.Missing, initech.CompliancePercent));
    }

    [Fact]
    public async Task Two_processes_racing_raise_one_report_per_company_and_send_each_once()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        await using var site = await SiteAsync(smtp.Settings());
        await using var second = SecondProcess(site);
        var first = Services(site);
        site.SetNow(ReportTime.AddMinutes(3));

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => Runner(i % 2 == 0 ? first : second).AfterScanAsync(CancellationToken.None))));
        await Task.WhenAll(Task.Run(() => DeliverAsync(first)), Task.Run(() => DeliverAsync(second)));

        var reports = await ReportsAsync(first);
        Assert.Equal(["ACME", "Initech"], reports.Select(n => n.CompanyName!));
        Assert.All(reports, n => Assert.Equal(DeliveryState.Sent, Assert.Single(n.Deliveries).State));
        Assert.Equal(["RAPPORT SAUVEGARDES - ACME - 2026-03 - 64.5 %", "RAPPORT SAUVEGARDES - Initech - 2026-03 - 0.0 %"],
            smtp.Received().Select(m => m.Message.Subject).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_process_that_loses_the_race_on_the_unique_key_raises_nothing_and_says_another_process_did()
    {
        await using var site = await SiteAsync();
        var logs = new TestLogs();
        await using var second = new ServiceCollection().AddLogging(l => l.AddProvider(logs.Provider())).AddBackupMonitorCore(site.Settings, site.Time).BuildServiceProvider();
        site.SetNow(ReportTime);
        await using var first = site.CreateScope();
        var db = first.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        var report = await first.ServiceProvider.GetRequiredService<ComplianceReports>().MonthAsync(new(2026, 3), null, CancellationToken.None);

        // The first process has written the notices in its transaction and not committed yet: the second one reads no
        // report of March, computes it, and its insert waits for the first's transaction.
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            Assert.Equal(2, (await first.ServiceProvider.GetRequiredService<NoticeOutbox>().RaiseAsync(ReportNotices.Drafts(report), CancellationToken.None)).Count);
            var racing = Task.Run(() => Runner(second).AfterScanAsync(CancellationToken.None));
            if (TestDatabase.IsPostgres) await Eventually(() => WaitingLocks(site) > 0, "the second process's insert waiting on the unique key");
            else await Task.WhenAny(racing, Task.Delay(TimeSpan.FromSeconds(1))); // SQLite shows no waiter: give it time to reach its write
            Assert.False(racing.IsCompleted);
            await transaction.CommitAsync();
            await racing;
        }

        Assert.Equal(["ACME", "Initech"], (await ReportsAsync(Services(site))).Select(n => n.CompanyName!));
        if (TestDatabase.IsPostgres) Assert.Contains("Monthly compliance reports of 2026-03 were raised by another process", logs.Text);
    }

    /// <summary>Lock waits of this test's database (the cluster is shared by other tests).</summary>
    private static int WaitingLocks(TestSite site)
    {
        using var scope = site.CreateScope();
        return scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().Database
            .SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database()").AsEnumerable().Single();
    }

    [Fact]
    public async Task The_email_carries_the_text_summary_with_the_printable_page_attached()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        var settings = smtp.Settings();
        settings["NOTIFICATION_LANGUAGE"] = "en";
        await using var site = await SiteAsync(settings);
        var services = Services(site);
        site.SetNow(ReportTime);

        await Runner(services).AfterScanAsync(CancellationToken.None);
        await DeliverAsync(services);

        var (message, envelope) = Assert.Single(smtp.Received(), m => m.Message.Subject?.Contains("ACME") == true);
        Assert.Equal("BACKUP REPORT - ACME - 2026-03 - 64.5 %", message.Subject);
        Assert.Contains("admin1@backup.test", string.Join(" ", envelope));
        Assert.Contains("Compliance: 64.5 % (20 successful backups of 31 expected outside maintenance)", message.TextBody);
        Assert.Contains("The printable report (table and calendar of the month) is attached.", message.TextBody);
        var page = Assert.Single(message.Attachments.OfType<MimePart>());
        Assert.Equal(("compliance-2026-03-ACME.html", "text/html"), (page.FileName, page.ContentType.MimeType));
        using var content = new MemoryStream();
        await page.Content!.DecodeToAsync(content);
        var html = System.Text.Encoding.UTF8.GetString(content.ToArray());
        Assert.Contains("@page { size: A4", html);
        Assert.Contains("Backup compliance report — ACME", html);
        Assert.Contains("March 2026 (Europe/Paris)", html);
        Assert.Contains("<table class=\"calendar\">", html);
        Assert.DoesNotContain("Initech", html);
    }

    [Fact]
    public async Task A_route_on_status_report_and_its_company_gets_the_companys_json_and_other_routes_do_not()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var site = await SiteAsync();
        var services = Services(site);
        await using (var scope = site.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
            foreach (var name in new[] { "acme", "failures", "lyon" })
                db.Destinations.Add(new Destination { Name = name, Kind = DestinationKind.Webhook, Target = $"{receiver.BaseUrl}/{name}", CreatedAtUtc = site.Now });
            db.Routes.AddRange(
                new AlertRoute { Destination = "acme", Company = "ACME", Statuses = "report" },
                new AlertRoute { Destination = "failures", Statuses = "failed,missing" },
                new AlertRoute { Destination = "lyon", City = "Lyon" });
            await db.SaveChangesAsync();
        }
        site.SetNow(ReportTime);

        await Runner(services).AfterScanAsync(CancellationToken.None);
        await DeliverAsync(services);

        var request = Assert.Single(receiver.Received);
        Assert.Equal("/acme", request.Path);
        var body = request.Json;
        Assert.Equal(("report", "ACME", "2026-03"), ((string?)body["event"], (string?)body["company"], (string?)body["period"]));
        Assert.Equal(("ACME", 31, 20, 64.5m), ((string?)body["report"]!["company"], (int)body["report"]!["expected"]!, (int)body["report"]!["success"]!,
            (decimal)body["report"]!["compliance_percent"]!));
        Assert.Equal("sales", (string?)body["report"]!["jobs"]![0]!["database_name"]);
        Assert.Null(body["job"]);
    }

    [Fact]
    public async Task A_serve_down_on_the_1st_raises_the_reports_when_it_comes_back_that_month_once()
    {
        await using var site = await SiteAsync();
        var services = Services(site);
        site.SetNow(new DateTime(2026, 4, 17, 9, 12, 0, DateTimeKind.Utc));

        await Runner(services).AfterScanAsync(CancellationToken.None);
        await Runner(services).AfterScanAsync(CancellationToken.None);

        Assert.Equal(["ACME", "Initech"], (await ReportsAsync(services)).Select(n => n.CompanyName!));
        Assert.DoesNotContain("were not sent", site.Logs.Text);
    }

    [Fact]
    public async Task A_month_whose_delivery_month_passed_without_serve_is_not_sent_late_and_says_so()
    {
        await using var site = await SiteAsync();
        var services = Services(site);
        site.SetNow(new DateTime(2026, 5, 2, 8, 0, 0, DateTimeKind.Utc));

        await Runner(services).AfterScanAsync(CancellationToken.None);

        var reports = await ReportsAsync(services);
        Assert.Equal([("ACME", "2026-04"), ("Initech", "2026-04")], reports.Select(n => (n.CompanyName!, n.Period!)));
        Assert.Contains("The compliance reports of 2026-03 were not sent", site.Logs.Text);
    }

    [Fact]
    public async Task Serve_raises_the_reports_after_its_first_scan_past_report_hour_and_its_delivery_loop_sends_them()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        var time = TestClock.New(new DateTime(2026, 3, 31, 10, 0, 0, DateTimeKind.Utc));
        await using var host = await ApiTestHost.StartAsync(time: time, background: true, changeSettings: s =>
        {
            foreach (var (key, value) in smtp.Settings()) s[key] = value;
            s["SCAN_INTERVAL_SECONDS"] = "86400";
            s["NOTIFICATION_LANGUAGE"] = "en";
        });
        var scans = host.App.Services.GetRequiredService<ScanService>();
        await Eventually(() => host.Db(db => db.ScanRuns.Count()) == 1 && !scans.IsRunning && time.TimerPeriods.Contains(TimeSpan.FromDays(1))
            && time.TimerPeriods.Contains(NoticeDeliveryLoop.Interval), "the start scan over, and the scan and delivery loops listening to the clock");
        await host.CreateJobAsync(ApiTestHost.JobBody("sales", hour: 12, minute: 0)); // one March cycle: the 31st at 12:00 UTC

        time.Advance(TimeSpan.FromDays(1)); // 1 April 10:00 UTC: REPORT_HOUR (6, UTC) has passed
        await Eventually(() => host.Db(db => db.Notices.Count(n => n.Kind == NoticeKind.Report)) == 1, "March's report, raised after the scan of the tick");
        time.Advance(NoticeDeliveryLoop.Interval);
        static bool IsReport(MimeMessage m) => m.Subject?.StartsWith("BACKUP REPORT") == true;
        await Eventually(() => smtp.Received().Any(m => IsReport(m.Message)), "the report e-mailed by the delivery loop");

        var (message, _) = Assert.Single(smtp.Received(), m => IsReport(m.Message)); // besides the alert of the missing cycle
        Assert.Equal("BACKUP REPORT - ACME - 2026-03 - 0.0 %", message.Subject);
        Assert.Equal("compliance-2026-03-ACME.html", Assert.Single(message.Attachments.OfType<MimePart>()).FileName);
        Assert.Equal("report:2026-03:ACME", host.Db(db => db.Notices.Single(n => n.Kind == NoticeKind.Report).DedupeKey));
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"not seen before the deadline: {what}");
            await Task.Delay(20);
        }
    }
}
