using System.Text;
using System.Text.Json.Nodes;
using BackupMonitor.Configuration;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.MonthlyReports;
using BackupMonitor.Notifications;
using BackupMonitor.Notifications.Channels;
using BackupMonitor.Tests.Notifications;

namespace BackupMonitor.Tests.MonthlyReports;

/// <summary>
/// A company's `report` notice before any database: one draft per company with its key and figures, the texts its
/// templates make (SPEC §6.1's subject in both languages), the printable page attached — byte for byte the page the
/// CLI prints — the webhook's JSON, and where routes send it (Alertmanager never gets one).
/// </summary>
public sealed class ReportNoticeTests
{
    private static readonly DateTime Now = new(2026, 4, 1, 6, 0, 0, DateTimeKind.Utc);

    private static NoticeRenderer Renderer(string language) =>
        new(TemplateGoldenTests.Options(language), new NotificationTemplates(new DeliveryOptions(6, 10, null)), [new ReportAttachments(ReportGoldenTests.Page(language))]);

    private static Notice NoticeOf(NoticeDraft draft) =>
        NoticeBuilder.Build(draft, new NoticeFacts(new Dictionary<string, Destination>(), [], true, [], new Dictionary<int, DateTime>(), new Dictionary<int, DateTime>()), Now);

    private static Notice ReportNotice(string company, string language, out RenderedNotice message)
    {
        var notice = NoticeOf(ReportNotices.Drafts(ReportGoldenTests.Sample()).Single(d => d.Company == company));
        message = Renderer(language).Render(notice, null, null);
        return notice;
    }

    [Fact]
    public void A_month_makes_one_report_draft_per_company_keyed_by_month_and_company()
    {
        var drafts = ReportNotices.Drafts(ReportGoldenTests.Sample());

        Assert.Equal(["ACME", "Initech, Inc."], drafts.Select(d => d.Company));
        Assert.All(drafts, d => Assert.Equal((NoticeKind.Report, "report", "2026-03", null, null), (d.Kind, d.Status, d.Period, d.Job, d.Entry)));
        Assert.Equal(["report:2026-03:ACME", "report:2026-03:Initech, Inc."], drafts.Select(d => d.DedupeKey));
    }

    [Fact]
    public void The_payload_is_the_company_json_of_the_report_with_its_month_zone_and_days()
    {
        var report = ReportGoldenTests.Sample();
        var api = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(ComplianceReportView.Of(report), Json.Options))!;
        foreach (var (draft, i) in ReportNotices.Drafts(report).Select((d, i) => (d, i)))
        {
            var payload = JsonNode.Parse(draft.Payload!)!.AsObject();
            Assert.Equal(["month", "time_zone", "company", "expected", "excluded", "success", "content_passed", "drilled", "missing", "failed", "compliance_percent", "jobs", "days"],
                payload.Select(p => p.Key));
            Assert.Equal(("2026-03", "Europe/Paris"), ((string?)payload["month"], (string?)payload["time_zone"]));
            var company = payload.DeepClone().AsObject();
            foreach (var extra in new[] { "month", "time_zone", "days" }) company.Remove(extra);
            Assert.True(JsonNode.DeepEquals(api["companies"]![i], company), $"{draft.Company}: {company} differs from the API's {api["companies"]![i]}");
            var days = payload["days"]!.AsArray();
            Assert.Equal(Enumerable.Range(1, 31), days.Select(d => (int)d!["day"]!));
            Assert.Equal((int)payload["expected"]!, days.Sum(d => (int)d!["expected"]!));
            Assert.Equal((int)payload["success"]!, days.Sum(d => (int)d!["success"]!));
        }
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("en")]
    public void The_attached_page_is_the_companys_page_of_the_printable_report(string language)
    {
        var report = ReportGoldenTests.Sample();
        foreach (var company in report.Companies.Select(c => c.Company))
        {
            ReportNotice(company, language, out var message);

            var attachment = Assert.Single(message.Attachments);
            Assert.Equal("text/html; charset=utf-8", attachment.MediaType);
            Assert.Equal(ReportGoldenTests.Page(language).Html(report.Only(company)), Encoding.UTF8.GetString(attachment.Content));
        }
        ReportNotice("Initech, Inc.", language, out var initech);
        Assert.Equal("compliance-2026-03-Initech-Inc.html", initech.Attachments[0].FileName);
    }

    [Theory]
    [InlineData("""{"compliance": 97.5, "jobs": [{"name": "sales"}]}""")]
    [InlineData("""[1, 2]""")]
    [InlineData(null)]
    public void A_report_whose_payload_is_not_a_companys_month_gets_no_attachment(string? payload)
    {
        var notice = NoticeOf(NoticeDraft.Report("ACME", "2026-03", payload, "report:2026-03:ACME"));

        Assert.Empty(new ReportAttachments(ReportGoldenTests.Page("en")).For(new NoticeContent(notice, null, null)));
    }

    [Fact]
    public void The_subject_is_the_specs_in_each_language_and_the_text_sums_up_the_month()
    {
        ReportNotice("ACME", "fr", out var fr);
        ReportNotice("ACME", "en", out var en);

        Assert.Equal("RAPPORT SAUVEGARDES - ACME - 2026-03 - 78.7 %", fr.Subject);
        Assert.Equal("BACKUP REPORT - ACME - 2026-03 - 78.7 %", en.Subject);
        Assert.Contains("Rapport mensuel des sauvegardes de ACME pour mars 2026 (Europe/Paris).", fr.Text);
        Assert.Contains("Conformité : 78.7 % (37 sauvegardes réussies sur 47 attendues hors maintenance)", fr.Text);
        Assert.Contains("Monthly backup report of ACME for March 2026 (Europe/Paris).", en.Text);
        Assert.Contains("Expected: 53\nIn maintenance: 6\nSuccessful: 37\nContent checked: 24\nRestore tested: 5\nMissing: 6\nFailed: 4\n", en.Text);
        Assert.Contains("1 | ACME_Paris_Centre | sales | 31 | 22 | 3 | 3 | 78.6 %\n2 | ACME_Paris_Centre | crm | 22 | 15 | 3 | 1 | 78.9 %\n", en.Text);
        Assert.Contains("<pre", en.Html);
        Assert.StartsWith("BACKUP REPORT - ACME - 2026-03 - 78.7 %\nExpected: 53, successful: 37, missing: 6, failed: 4, in maintenance: 6", en.Chat);
    }

    [Theory]
    [InlineData(100.0, "100.0 %")]
    [InlineData(0.0, "0.0 %")]
    [InlineData(null, "N/A")]
    public void A_whole_or_absent_compliance_reads_as_the_report_writes_it(double? percent, string shown)
    {
        var view = new CompanyMonthView("2026-02", "UTC", "ACME", 28, 0, percent is null ? 0 : (int)(28 * percent / 100), 0, 0, 0, 0,
            percent is null ? null : (decimal)percent.Value, [], []);
        var notice = NoticeOf(NoticeDraft.Report("ACME", "2026-02", view.ToJson(), "report:2026-02:ACME"));

        var message = Renderer("en").Render(notice, null, null);

        Assert.Equal($"BACKUP REPORT - ACME - 2026-02 - {shown}", message.Subject);
        Assert.Contains("February 2026 (UTC)", message.Text);
    }

    [Fact]
    public void A_webhook_gets_event_report_and_the_companys_json_as_report()
    {
        var notice = ReportNotice("Initech, Inc.", "en", out var message);
        notice.Id = 12;

        var body = WebhookChannel.Body(OutgoingNotice.Of(34, new NoticeContent(notice, null, null), message), Now);

        Assert.Equal(("report", 12, "report", "Initech, Inc.", "2026-03"),
            ((string?)body["event"], (int)body["notice_id"]!, (string?)body["status"], (string?)body["company"], (string?)body["period"]));
        Assert.Null(body["job"]);
        Assert.Null(body["entry"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(notice.Payload!), body["report"]));
        Assert.Equal(76.5m, (decimal)body["report"]!["compliance_percent"]!);
        Assert.Equal("BACKUP REPORT - Initech, Inc. - 2026-03 - 76.5 %", (string?)body["subject"]);
    }

    [Fact]
    public void A_report_goes_to_admins_and_the_routes_whose_matchers_hold_and_an_alertmanager_skips_it()
    {
        var destinations = new[] { Destination.Admins, "acme", "any", "lyon", "alerts", "am" }.ToDictionary(n => n, n => new Destination
        {
            Name = n, Target = "x", Kind = n switch { "am" => DestinationKind.Alertmanager, Destination.Admins => DestinationKind.Email, _ => DestinationKind.Webhook },
        });
        AlertRoute[] routes =
        [
            new() { Destination = "acme", Company = "ACME", Statuses = "report" },
            new() { Destination = "any", Company = "AC*" },
            new() { Destination = "lyon", Company = "ACME", City = "Lyon" },       // a report has no city
            new() { Destination = "alerts", Statuses = "failed,missing,warning" },
            new() { Destination = "am", Statuses = "report" },
            new() { Destination = "acme", Company = "Initech*", Statuses = "report" },
        ];
        var facts = new NoticeFacts(destinations, routes, true, [], new Dictionary<int, DateTime>(), new Dictionary<int, DateTime>());
        var drafts = ReportNotices.Drafts(ReportGoldenTests.Sample());

        var acme = NoticeBuilder.Raise(drafts[0], facts, Now);
        var initech = NoticeBuilder.Raise(drafts[1], facts, Now);

        Assert.Equal([(Destination.Admins, DeliveryState.Pending), ("acme", DeliveryState.Pending), ("any", DeliveryState.Pending), ("am", DeliveryState.Skipped)],
            acme.Deliveries.Select(d => (d.Destination, d.State)));
        Assert.Equal(NoticeBuilder.ReportNotForAlertmanager, acme.Deliveries.Single(d => d.Destination == "am").LastError);
        Assert.Equal([Destination.Admins, "am", "acme"], initech.Deliveries.Select(d => d.Destination));
        Assert.Equal((null, null, "ACME", "2026-03"), (acme.ExpectedJobId, acme.BackupEntryId, acme.CompanyName, acme.Period));
    }
}
