using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;

namespace BackupMonitor.MonthlyReports;

/// <summary>Reads a month's facts and computes its report (SPEC §12): the one source of the CLI, the API, the dashboard and the monthly notices.</summary>
public sealed class ComplianceReports(ComplianceStore store, ReportOptions options, ScanOptions scan, TimeProvider time)
{
    public TimeZoneInfo Zone => options.TimeZone;

    /// <summary>The report of <paramref name="month"/> as known now (a month not yet over counts the cycles whose deadline passed).</summary>
    /// <param name="caller">For a key limited to companies, only their jobs are read (in SQL): its report names no other company.</param>
    public async Task<MonthlyReport> MonthAsync(ReportMonth month, string? company, CancellationToken cancellationToken, AccessCaller? caller = null)
    {
        var now = time.UtcNow();
        var (from, to) = month.Span(options.TimeZone);
        var facts = await store.FactsAsync(from, to, scan.MissingGraceMinutes, company, drilledBeforeUtc: to, cancellationToken: cancellationToken, caller: caller);
        var windows = await store.WindowsAsync(cancellationToken);
        return MonthlyReport.Build(month, options.TimeZone, facts, windows, now);
    }

    /// <summary>
    /// When <paramref name="month"/>'s report is due: REPORT_HOUR on the first day after the last deadline of the
    /// cycles of the jobs watched that month; and whether any job was watched that month (no job: no report to miss).
    /// </summary>
    public async Task<(DateTime DueUtc, bool AnyJob)> DueAsync(ReportMonth month, CancellationToken cancellationToken)
    {
        var (from, to) = month.Span(options.TimeZone);
        var periods = await store.PeriodsAsync(from, to, scan.MissingGraceMinutes, cancellationToken);
        DateTime? latest = null;
        foreach (var period in periods)
        {
            if (period.Schedule is not { } schedule || period.FromUtc >= to || period.UntilUtc <= from) continue;
            var end = period.UntilUtc is { } until && until < to ? until : to;
            if (schedule.LatestBetween(from.AddTicks(-1), end) is { } last && last >= period.FromUtc)
            {
                var deadline = last + TimeSpan.FromMinutes(period.GraceMinutes);
                if (latest is null || deadline > latest) latest = deadline;
            }
        }
        return (month.DueUtc(options.TimeZone, options.Hour, latest), periods.Count > 0);
    }
}
