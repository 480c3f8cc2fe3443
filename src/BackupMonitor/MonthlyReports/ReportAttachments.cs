using System.Text;
using System.Text.Json;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Notifications.Channels;

namespace BackupMonitor.MonthlyReports;

/// <summary>
/// A `report` notice's e-mail carries the company's printable page (SPEC §12), rendered at delivery from the figures
/// the notice carries (<see cref="CompanyMonthView"/>) — the same page `reports compliance --format html` prints.
/// </summary>
public sealed class ReportAttachments(ReportPage page) : INoticeAttachments
{
    public IReadOnlyList<NoticeAttachment> For(NoticeContent content)
    {
        if (content.Notice is not { Kind: NoticeKind.Report, Payload: { } payload } || Parse(payload) is not { } company) return [];
        return [new NoticeAttachment(FileName(company), "text/html; charset=utf-8", Encoding.UTF8.GetBytes(page.Html(company)))];
    }

    /// <summary>The figures of a report raised by <see cref="ReportNotices"/>; null for a payload of another shape (not ours to attach to).</summary>
    private static CompanyMonthView? Parse(string payload)
    {
        try
        {
            var company = CompanyMonthView.FromJson(payload);
            return ReportMonth.Parse(company.Month).Month is not null && company.Company is not null && company.Days is not null && company.Jobs is not null ? company : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>`compliance-2026-03-ACME.html`: the company's letters and digits, others as `-`.</summary>
    public static string FileName(CompanyMonthView company)
    {
        var name = new string(company.Company.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        while (name.Contains("--")) name = name.Replace("--", "-");
        if (name.Length > 60) name = name[..60].TrimEnd('-');
        return $"compliance-{company.Month}{(name.Length > 0 ? "-" + name : "")}.html";
    }
}
