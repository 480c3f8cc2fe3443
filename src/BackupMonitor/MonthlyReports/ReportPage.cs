using System.Globalization;
using BackupMonitor.Configuration;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.Notifications;

namespace BackupMonitor.MonthlyReports;

/// <summary>
/// The report as people read it: the printable HTML page (one A4 page per company, its table and a calendar of the
/// month) and the short text of a company's notice, from the templates `report.&lt;language&gt;.page.liquid` (and the
/// notice's parts), in NOTIFICATION_LANGUAGE.
/// </summary>
public sealed class ReportPage(NotificationTemplates templates, EmailOptions email)
{
    private static readonly string[] MonthsFr = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
    private static readonly string[] MonthsEn = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    public string Language => email.Language;

    /// <summary>Every company of the report, one page each.</summary>
    public string Html(MonthlyReport report) => templates.RenderModel("report", Language, "page", Model(report, Language));

    /// <summary>The values a report's templates see: month, month_name, time_zone, companies (with jobs and weeks of days).</summary>
    public static Dictionary<string, object?> Model(MonthlyReport report, string language)
    {
        var names = language == "en" ? MonthsEn : MonthsFr;
        return new()
        {
            ["month"] = report.Month.ToString(),
            ["month_name"] = $"{names[report.Month.Month - 1]} {report.Month.Year}",
            ["time_zone"] = report.TimeZone,
            ["companies"] = report.Companies.Select(c => Company(report, c)).ToList(),
        };
    }

    /// <summary>The values of one company (also what its notice's subject and text see).</summary>
    public static Dictionary<string, object?> Company(MonthlyReport report, CompanyReport company)
    {
        var values = Counts(company.Counts);
        values["company"] = company.Company;
        values["jobs"] = company.Jobs.Select(j =>
        {
            var job = Counts(j.Counts);
            job["job_id"] = j.JobId.ToString(CultureInfo.InvariantCulture);
            job["agent_id_responsible"] = j.AgentIdResponsible;
            job["database_name"] = j.DatabaseName;
            return job;
        }).ToList();
        values["weeks"] = Weeks(report, company);
        return values;
    }

    private static Dictionary<string, object?> Counts(ComplianceCounts c) => new()
    {
        ["expected"] = c.Expected, ["excluded"] = c.Excluded, ["success"] = c.Success, ["content_passed"] = c.ContentPassed,
        ["drilled"] = c.Drilled, ["missing"] = c.Missing, ["failed"] = c.Failed, ["owed"] = c.Expected - c.Excluded,
        ["compliance"] = c.Percent is { } p ? ComplianceReportView.Percent(p) : null,
    };

    /// <summary>The month as weeks (Monday first) of days: each day's cycles of the company, and a class saying how it went.</summary>
    private static List<List<Dictionary<string, object?>>> Weeks(MonthlyReport report, CompanyReport company)
    {
        var cycles = company.Jobs.SelectMany(j => j.Cycles).ToLookup(c => ReportMonth.DayOf(c.CycleUtc, report.Zone));
        var first = new DateOnly(report.Month.Year, report.Month.Month, 1);
        var weeks = new List<List<Dictionary<string, object?>>>();
        var week = Enumerable.Range(0, ((int)first.DayOfWeek + 6) % 7).Select(_ => new Dictionary<string, object?> { ["blank"] = true }).ToList();
        for (var day = first; day.Month == first.Month; day = day.AddDays(1))
        {
            var counts = ComplianceCounts.Of(cycles[day]);
            var owed = counts.Expected - counts.Excluded;
            week.Add(new()
            {
                ["day"] = day.Day, ["owed"] = owed, ["success"] = counts.Success, ["excluded"] = counts.Excluded,
                ["class"] = counts.Expected == 0 ? "none" : owed == 0 ? "excluded" : counts.Success == owed ? "ok" : counts.Success == 0 ? "bad" : "partial",
            });
            if (week.Count == 7)
            {
                weeks.Add(week);
                week = [];
            }
        }
        if (week.Count > 0)
        {
            while (week.Count < 7) week.Add(new() { ["blank"] = true });
            weeks.Add(week);
        }
        return weeks;
    }
}
