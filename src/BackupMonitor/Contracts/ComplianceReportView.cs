using System.Globalization;
using System.Text;
using BackupMonitor.Decisions;
using BackupMonitor.MonthlyReports;

namespace BackupMonitor.Contracts;

/// <summary>One job's row of the report's JSON (SPEC §12).</summary>
public sealed record ComplianceJobView(int JobId, string AgentIdResponsible, string DatabaseName, int Expected, int Excluded, int Success,
    int ContentPassed, int Drilled, int Missing, int Failed, decimal? CompliancePercent);

/// <summary>One company of the report's JSON: its sums and its jobs.</summary>
public sealed record ComplianceCompanyView(string Company, int Expected, int Excluded, int Success, int ContentPassed, int Drilled,
    int Missing, int Failed, decimal? CompliancePercent, IReadOnlyList<ComplianceJobView> Jobs);

/// <summary>`{"month", "time_zone", "companies": [...]}` (SPEC §12), and the CSV of the same figures.</summary>
public sealed record ComplianceReportView(string Month, string TimeZone, IReadOnlyList<ComplianceCompanyView> Companies)
{
    public const string CsvHeader = "month,company,job_id,agent_id_responsible,database_name,expected,excluded,success,content_passed,drilled,missing,failed,compliance_percent";

    public static ComplianceReportView Of(MonthlyReport report) => new(report.Month.ToString(), report.TimeZone,
        report.Companies.Select(Of).ToList());

    public static ComplianceCompanyView Of(CompanyReport company)
    {
        var c = company.Counts;
        return new(company.Company, c.Expected, c.Excluded, c.Success, c.ContentPassed, c.Drilled, c.Missing, c.Failed, c.Percent,
            company.Jobs.Select(j => new ComplianceJobView(j.JobId, j.AgentIdResponsible, j.DatabaseName, j.Counts.Expected, j.Counts.Excluded,
                j.Counts.Success, j.Counts.ContentPassed, j.Counts.Drilled, j.Counts.Missing, j.Counts.Failed, j.Counts.Percent)).ToList());
    }

    /// <summary>One row per job (by id), then its company's with `job_id` empty; RFC 4180 quoting; null as an empty field.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder(CsvHeader).Append("\r\n");
        foreach (var company in Companies)
        {
            foreach (var job in company.Jobs)
                Row(csv, company.Company, job.JobId.ToString(CultureInfo.InvariantCulture), job.AgentIdResponsible, job.DatabaseName,
                    job.Expected, job.Excluded, job.Success, job.ContentPassed, job.Drilled, job.Missing, job.Failed, job.CompliancePercent);
            Row(csv, company.Company, "", "", "", company.Expected, company.Excluded, company.Success, company.ContentPassed,
                company.Drilled, company.Missing, company.Failed, company.CompliancePercent);
        }
        return csv.ToString();
    }

    private void Row(StringBuilder csv, string company, string jobId, string agent, string database, params object?[] figures)
    {
        csv.Append(Field(Month)).Append(',').Append(Field(company)).Append(',').Append(jobId).Append(',').Append(Field(agent)).Append(',').Append(Field(database));
        foreach (var figure in figures) csv.Append(',').Append(figure switch
        {
            null => "",
            decimal d => Percent(d),
            int i => i.ToString(CultureInfo.InvariantCulture),
            _ => Field(figure.ToString() ?? ""),
        });
        csv.Append("\r\n");
    }

    /// <summary>A percentage as the report writes it: one decimal, a `.` (92.3, 100.0).</summary>
    public static string Percent(decimal value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Field(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
}
