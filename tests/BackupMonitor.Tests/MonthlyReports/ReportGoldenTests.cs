using BackupMonitor.Configuration;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.MonthlyReports;
using BackupMonitor.Notifications;
using BackupMonitor.Tests.Notifications;

namespace BackupMonitor.Tests.MonthlyReports;

/// <summary>
/// The report's CSV and printable HTML (both languages), byte for byte against Golden/. To accept a deliberate change,
/// run once with BACKUPMONITOR_UPDATE_GOLDEN=1 and review the diff.
/// </summary>
public sealed class ReportGoldenTests
{
    private static string GoldenFolder => Path.Combine(AppContext.BaseDirectory, "MonthlyReports", "Golden");
    private static string SourceFolder => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "MonthlyReports", "Golden"));

    /// <summary>March 2026 in Paris (clocks go forward on the 29th): two companies, one in maintenance for three days, one job registered mid-month.</summary>
    internal static MonthlyReport Sample()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var month = new ReportMonth(2026, 3);
        var (from, to) = month.Span(zone);
        ExpectedBackupJob Job(int id, string company, string database, string? schedule, DateTime created) => new()
        {
            Id = id, CompanyName = company, City = "Paris", Neighborhood = "Centre", DatabaseName = database,
            AgentIdResponsible = Names.DefaultAgentId(company.Replace(", Inc.", ""), "Paris", "Centre"), ExpectedHourUtc = schedule is null ? 2 : null,
            ExpectedMinuteUtc = schedule is null ? 0 : null, ScheduleExpression = schedule, TimeZone = schedule is null ? "UTC" : "Europe/Paris", CreatedAtUtc = created,
        };
        var sales = Job(1, "ACME", "sales", null, from.AddYears(-1));
        var crm = Job(2, "ACME", "crm", "30 2 * * 1-5", from.AddYears(-1));
        var ledger = Job(3, "Initech, Inc.", "ledger", null, from.AddDays(14));
        var facts = new[] { sales, crm, ledger }.Select(job =>
        {
            var schedule = Schedule.Of(job);
            var entries = schedule.Between(from.AddDays(-2), to.AddDays(2)).Select((t, i) => i % 9 == 4
                ? new CycleEntry(t, 1000 * job.Id + i, BackupEntryStatus.Missing)
                : i % 11 == 7 ? new CycleEntry(t.AddMinutes(7), 1000 * job.Id + i, BackupEntryStatus.Failed)
                : new CycleEntry(t.AddMinutes(12), 1000 * job.Id + i, BackupEntryStatus.Success, i % 3 == 0 ? ContentCheck.Skipped : ContentCheck.Passed)).ToList();
            var drilled = entries.Where(e => e.EntryId % 10 == 0).Select(e => e.EntryId).ToHashSet();
            return new ComplianceFacts(job, Compliance.PeriodsOf(job, [], 60), entries, drilled);
        }).ToList();
        var window = new MaintenanceWindow { Id = 1, Company = "ACME", FromUtc = new DateTime(2026, 3, 10, 0, 0, 0, DateTimeKind.Utc), UntilUtc = new DateTime(2026, 3, 13, 0, 0, 0, DateTimeKind.Utc), CreatedAtUtc = from };
        return MonthlyReport.Build(month, zone, facts, [window], new DateTime(2026, 4, 2, 6, 0, 0, DateTimeKind.Utc));
    }

    internal static ReportPage Page(string language) =>
        new(new NotificationTemplates(new DeliveryOptions(6, 10, null)), TemplateGoldenTests.Options(language));

    public static TheoryData<string> Files() => ["compliance-2026-03.csv", "compliance-2026-03.en.html", "compliance-2026-03.fr.html"];

    [Theory]
    [MemberData(nameof(Files))]
    public void The_report_renders_exactly_its_golden_file(string file)
    {
        var report = Sample();
        var actual = file.EndsWith(".csv") ? ComplianceReportView.Of(report).ToCsv() : Page(file.Split('.')[1]).Html(report);
        if (Environment.GetEnvironmentVariable("BACKUPMONITOR_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(SourceFolder);
            File.WriteAllText(Path.Combine(SourceFolder, file), actual);
        }
        Assert.Equal(File.ReadAllText(Path.Combine(GoldenFolder, file)), actual);
    }

    [Fact]
    public void The_csv_has_one_row_per_job_then_its_company_and_quotes_a_comma()
    {
        var lines = ComplianceReportView.Of(Sample()).ToCsv().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ComplianceReportView.CsvHeader, lines[0]);
        Assert.StartsWith("2026-03,ACME,1,ACME_Paris_Centre,sales,", lines[1]);
        Assert.StartsWith("2026-03,ACME,2,ACME_Paris_Centre,crm,", lines[2]);
        Assert.StartsWith("2026-03,ACME,,,,", lines[3]);
        Assert.StartsWith("2026-03,\"Initech, Inc.\",3,", lines[4]);
        Assert.StartsWith("2026-03,\"Initech, Inc.\",,,,", lines[5]);
        Assert.Equal(6, lines.Length);
    }

    [Fact]
    public void The_html_has_one_printable_a4_page_per_company_with_its_calendar()
    {
        var html = Page("en").Html(Sample());
        Assert.Contains("@page { size: A4", html);
        Assert.Equal(2, html.Split("<section class=\"company\">").Length - 1);
        Assert.Equal(2, html.Split("<table class=\"calendar\">").Length - 1);
        Assert.Contains("Initech, Inc.", html);
        Assert.Contains("March 2026 (Europe/Paris)", html);
        Assert.Contains("mars 2026 (Europe/Paris)", Page("fr").Html(Sample()));
    }
}
