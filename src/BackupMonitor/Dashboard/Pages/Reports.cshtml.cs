using System.Text;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.MonthlyReports;
using Microsoft.AspNetCore.Mvc;

namespace BackupMonitor.Dashboard.Pages;

/// <summary>Monthly compliance (SPEC §12): a month picker, each company's table (the key's companies only), the CSV and the printable page to download.</summary>
public sealed class ReportsModel(ComplianceReports reports, ReportPage page, TimeProvider time, DashboardText text) : DashboardPageModel(text)
{
    protected override AccessAction? Reads => AccessAction.ReadReports;

    public ReportText R => ReportText.For(T.Language);
    public ReportMonth Month { get; private set; }
    public ComplianceReportView? Report { get; private set; }
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? month, CancellationToken cancellationToken)
    {
        if (Parse(month) is not { } wanted) return Page();
        Report = ComplianceReportView.Of(await reports.MonthAsync(wanted, null, cancellationToken, Caller));
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(string? month, CancellationToken cancellationToken)
    {
        if (Parse(month) is not { } wanted) return Page();
        var csv = ComplianceReportView.Of(await reports.MonthAsync(wanted, null, cancellationToken, Caller)).ToCsv();
        return File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"compliance-{wanted}.csv");
    }

    /// <summary>A download: the page's own stylesheet is inline, which the dashboard's CSP rightly refuses to apply in place.</summary>
    public async Task<IActionResult> OnGetHtmlAsync(string? month, CancellationToken cancellationToken)
    {
        if (Parse(month) is not { } wanted) return Page();
        var html = page.Html(await reports.MonthAsync(wanted, null, cancellationToken, Caller));
        return File(Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8", $"compliance-{wanted}.html");
    }

    /// <summary>The month asked for; none: the month just ended (in REPORT_TIME_ZONE).</summary>
    private ReportMonth? Parse(string? month)
    {
        if (string.IsNullOrWhiteSpace(month))
            return Month = ReportMonth.Of(time.GetUtcNow().UtcDateTime, reports.Zone).Previous;
        var (wanted, _) = ReportMonth.Parse(month);
        if (wanted is null)
        {
            Problem = R.BadMonth;
            Month = ReportMonth.Of(time.GetUtcNow().UtcDateTime, reports.Zone).Previous;
            return null;
        }
        return Month = wanted.Value;
    }
}
