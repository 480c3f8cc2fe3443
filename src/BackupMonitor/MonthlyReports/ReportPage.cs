using System.Globalization;
using BackupMonitor.Configuration;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.Notifications;

namespace BackupMonitor.MonthlyReports;

/// <summary>
/// The report as people read it: the printable HTML page (one A4 page per company, its table and a calendar of the
/// month), from the template `report.&lt;language&gt;.page.liquid`, in NOTIFICATION_LANGUAGE. The CLI, the dashboard and
/// a `report` notice's attachment all render it from <see cref="CompanyMonthView"/>, so they cannot differ.
/// </summary>
public sealed class ReportPage(NotificationTemplates templates, EmailOptions email)
{
    private static readonly string[] MonthsFr = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
    private static readonly string[] MonthsEn = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    public string Language => email.Language;

    /// <summary>Every company of the report, one page each.</summary>
    public string Html(MonthlyReport report) =>
        Html(report.Month.ToString(), report.TimeZone, report.Companies.Select(c => CompanyMonthView.Of(report, c)).ToList());

    /// <summary>One company's page, from what its `report` notice carries (the e-mail's attachment).</summary>
    public string Html(CompanyMonthView company) => Html(company.Month, company.TimeZone, [company]);

    private string Html(string month, string timeZone, IReadOnlyList<CompanyMonthView> companies) =>
        templates.RenderModel("report", Language, "page", Model(month, timeZone, companies, Language));

    /// <summary>The values the page template sees: month, month_name, time_zone, companies (with jobs and weeks of days).</summary>
    public static Dictionary<string, object?> Model(string month, string timeZone, IReadOnlyList<CompanyMonthView> companies, string language) => new()
    {
        ["month"] = month,
        ["month_name"] = MonthName(month, language),
        ["time_zone"] = timeZone,
        ["companies"] = companies.Select(Company).ToList(),
    };

    /// <summary>`mars 2026`, `March 2026`.</summary>
    public static string MonthName(string month, string language)
    {
        var (parsed, _) = ReportMonth.Parse(month);
        var m = parsed ?? throw new ArgumentException($"not a month: {month}", nameof(month));
        return $"{(language == "en" ? MonthsEn : MonthsFr)[m.Month - 1]} {m.Year}";
    }

    private static Dictionary<string, object?> Company(CompanyMonthView company)
    {
        var values = Counts(company.Expected, company.Excluded, company.Success, company.ContentPassed, company.Drilled, company.Missing, company.Failed, company.CompliancePercent);
        values["company"] = company.Company;
        values["jobs"] = company.Jobs.Select(j =>
        {
            var job = Counts(j.Expected, j.Excluded, j.Success, j.ContentPassed, j.Drilled, j.Missing, j.Failed, j.CompliancePercent);
            job["job_id"] = j.JobId.ToString(CultureInfo.InvariantCulture);
            job["agent_id_responsible"] = j.AgentIdResponsible;
            job["database_name"] = j.DatabaseName;
            return job;
        }).ToList();
        values["weeks"] = Weeks(company);
        return values;
    }

    private static Dictionary<string, object?> Counts(int expected, int excluded, int success, int contentPassed, int drilled, int missing, int failed, decimal? percent) => new()
    {
        ["expected"] = expected, ["excluded"] = excluded, ["success"] = success, ["content_passed"] = contentPassed,
        ["drilled"] = drilled, ["missing"] = missing, ["failed"] = failed, ["owed"] = expected - excluded,
        ["compliance"] = percent is { } p ? ComplianceReportView.Percent(p) : null,
    };

    /// <summary>The month as weeks (Monday first) of days: each day's cycles of the company, and a class saying how it went.</summary>
    private static List<List<Dictionary<string, object?>>> Weeks(CompanyMonthView company)
    {
        var (month, _) = ReportMonth.Parse(company.Month);
        var first = new DateOnly(month!.Value.Year, month.Value.Month, 1);
        var days = company.Days.ToDictionary(d => d.Day);
        var weeks = new List<List<Dictionary<string, object?>>>();
        var week = Enumerable.Range(0, ((int)first.DayOfWeek + 6) % 7).Select(_ => new Dictionary<string, object?> { ["blank"] = true }).ToList();
        for (var day = first; day.Month == first.Month; day = day.AddDays(1))
        {
            var counts = days.GetValueOrDefault(day.Day) ?? new ComplianceDayView(day.Day, 0, 0, 0);
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
