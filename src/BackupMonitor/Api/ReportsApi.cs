using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.MonthlyReports;
using BackupMonitor.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BackupMonitor.Api;

/// <summary>
/// `GET /api/reports/compliance?month=&amp;company=` (SPEC §12): the JSON of `reports compliance`, or its CSV for
/// `Accept: text/csv` (viewer; a key limited to companies gets theirs only, read in SQL).
/// </summary>
public static class ReportsApi
{
    public static void MapReportsApi(this IEndpointRouteBuilder api)
    {
        api.MapGroup("/reports").WithTags("Reports").MapGet("/compliance", async (string? month, string? company, HttpRequest request,
            ComplianceReports reports, HttpContext context, CancellationToken ct) =>
        {
            var (wanted, problem) = ReportMonth.Parse(month);
            if (wanted is null) return (IResult)ApiProblems.BadField("month", problem!["month: ".Length..]);
            var view = ComplianceReportView.Of(await reports.MonthAsync(wanted.Value, string.IsNullOrEmpty(company) ? null : company, ct, context.User.Caller()));
            return WantsCsv(request) ? Results.Text(view.ToCsv(), "text/csv; charset=utf-8") : Results.Ok(view);
        }).Asks(AccessAction.ReadReports);
    }

    /// <summary>CSV when the client asks for text/csv and prefers it to JSON (no Accept, or */*: JSON).</summary>
    public static bool WantsCsv(HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().Accept;
        var csv = accepted.Where(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        var json = accepted.Where(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        return csv > 0 && csv >= json;
    }
}
