using System.Text.Json;
using BackupMonitor.Decisions;
using BackupMonitor.MonthlyReports;

namespace BackupMonitor.Contracts;

/// <summary>One day of a company's month on its calendar (a local day of REPORT_TIME_ZONE): its cycles expected, excluded by maintenance, with a success.</summary>
public sealed record ComplianceDayView(int Day, int Expected, int Excluded, int Success);

/// <summary>
/// One company's month as its `report` notice carries it (the notice's payload) and a webhook receives it (`"report"`):
/// the company's JSON of SPEC §12 (`company`, the counts, `compliance_percent`, `jobs`) with its `month` and
/// `time_zone` first and the `days` of its calendar last — what the notice's text and its printable page are rendered
/// from at delivery, so they show the figures of the moment it was raised.
/// </summary>
public sealed record CompanyMonthView(string Month, string TimeZone, string Company, int Expected, int Excluded, int Success, int ContentPassed,
    int Drilled, int Missing, int Failed, decimal? CompliancePercent, IReadOnlyList<ComplianceJobView> Jobs, IReadOnlyList<ComplianceDayView> Days)
{
    private static readonly JsonSerializerOptions Compact = new(Json.Options) { WriteIndented = false };

    public static CompanyMonthView Of(MonthlyReport report, CompanyReport company)
    {
        var view = ComplianceReportView.Of(company);
        var cycles = company.Jobs.SelectMany(j => j.Cycles).ToLookup(c => ReportMonth.DayOf(c.CycleUtc, report.Zone).Day);
        var days = Enumerable.Range(1, report.Month.DaysInMonth).Select(day =>
        {
            var counts = ComplianceCounts.Of(cycles[day]);
            return new ComplianceDayView(day, counts.Expected, counts.Excluded, counts.Success);
        }).ToList();
        return new(report.Month.ToString(), report.TimeZone, view.Company, view.Expected, view.Excluded, view.Success, view.ContentPassed,
            view.Drilled, view.Missing, view.Failed, view.CompliancePercent, view.Jobs, days);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Compact);

    public static CompanyMonthView FromJson(string json) =>
        JsonSerializer.Deserialize<CompanyMonthView>(json, Json.Options) ?? throw new JsonException("a report payload cannot be null");
}
