using BackupMonitor.Decisions;
using BackupMonitor.Scanning;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.MonthlyReports;

/// <summary>
/// `serve` raises the monthly reports after its scheduled scans (SPEC §12): after the scan at start — so a month whose
/// reports fell due while `serve` was down is caught up then — and after every SCAN_INTERVAL_SECONDS, so a report is
/// raised at most one interval after REPORT_HOUR; the delivery loop then sends it. A month settled in this process
/// (raised, by it or another, or missed) is not looked at again; a failure is logged and tried after the next scan.
/// </summary>
public sealed class MonthlyReportDelivery(IServiceScopeFactory scopes) : IAfterScheduledScan
{
    private readonly HashSet<ReportMonth> settled = [];

    public async Task AfterScanAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var notices = scope.ServiceProvider.GetRequiredService<ReportNotices>();
        foreach (var month in notices.Candidates())
        {
            if (settled.Contains(month)) continue;
            if ((await notices.RunAsync(month, cancellationToken)).Settled) settled.Add(month);
        }
    }
}
