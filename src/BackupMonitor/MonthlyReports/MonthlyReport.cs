using BackupMonitor.Decisions;
using BackupMonitor.Domain;

namespace BackupMonitor.MonthlyReports;

/// <summary>One job's month: its counts and its decided cycles (the calendar is drawn from them).</summary>
public sealed record JobReport(int JobId, string AgentIdResponsible, string DatabaseName, ComplianceCounts Counts, IReadOnlyList<JobCycle> Cycles);

/// <summary>One company's month: the sums over its jobs, and its jobs by id.</summary>
public sealed record CompanyReport(string Company, ComplianceCounts Counts, IReadOnlyList<JobReport> Jobs);

/// <summary>A month's compliance report (SPEC §12): companies in ordinal order.</summary>
public sealed record MonthlyReport(ReportMonth Month, TimeZoneInfo Zone, IReadOnlyList<CompanyReport> Companies)
{
    public string TimeZone => Zone.Id;

    /// <summary>Builds the report from each job's facts (pure): every cycle of the month decided by <see cref="Compliance.Cycles"/>.</summary>
    public static MonthlyReport Build(ReportMonth month, TimeZoneInfo zone, IEnumerable<ComplianceFacts> jobs, IReadOnlyList<MaintenanceWindow> windows, DateTime nowUtc)
    {
        var (from, to) = month.Span(zone);
        var companies = jobs
            .Select(f => (f.Job, Cycles: Compliance.Cycles(f, windows, from, to, nowUtc)))
            .GroupBy(j => j.Job.CompanyName, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var reports = g.OrderBy(j => j.Job.Id)
                    .Select(j => new JobReport(j.Job.Id, j.Job.AgentIdResponsible, j.Job.DatabaseName, ComplianceCounts.Of(j.Cycles), j.Cycles)).ToList();
                return new CompanyReport(g.Key, ComplianceCounts.Sum(reports.Select(r => r.Counts)), reports);
            }).ToList();
        return new MonthlyReport(month, zone, companies);
    }

    /// <summary>One company's part, for its notice and its page.</summary>
    public MonthlyReport Only(string company) => this with { Companies = Companies.Where(c => c.Company == company).ToList() };
}
