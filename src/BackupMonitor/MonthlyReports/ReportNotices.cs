using BackupMonitor.Configuration;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.MonthlyReports;

/// <summary>What became of a month's reports in one look: not due yet, raised now (how many), raised before (here or by another process), or missed.</summary>
public sealed record ReportRun(ReportMonth Month, ReportTiming Timing, int Raised, bool RaisedBefore)
{
    /// <summary>Nothing more to do for this month in this process.</summary>
    public bool Settled => Timing != ReportTiming.NotYet;
}

/// <summary>
/// The monthly delivery (SPEC §12): a month's report, once due (<see cref="ReportDelivery"/>), becomes one `report`
/// notice per company, raised through the outbox (<see cref="NoticeOutbox"/>) with the company's figures as payload
/// (<see cref="CompanyMonthView"/>) and the key `report:&lt;month&gt;:&lt;company&gt;`, so that two processes, or a retry,
/// raise each once. All of a month's notices are written in one transaction.
/// </summary>
public sealed class ReportNotices(ComplianceReports reports, NoticeStore store, NoticeOutbox outbox, ReportOptions options, TimeProvider time,
    ILogger<ReportNotices> logger)
{
    /// <summary>The months <see cref="RunAsync"/> should be asked about now.</summary>
    public IReadOnlyList<ReportMonth> Candidates() => ReportDelivery.Candidates(time.UtcNow(), options.TimeZone, options.Hour);

    /// <summary>Raises <paramref name="month"/>'s reports if they are due and were not raised yet.</summary>
    public async Task<ReportRun> RunAsync(ReportMonth month, CancellationToken cancellationToken)
    {
        if (await store.ReportsRaisedAsync(month.ToString(), cancellationToken)) return new(month, ReportTiming.Due, 0, RaisedBefore: true);
        var (due, anyJob) = await reports.DueAsync(month, cancellationToken);
        var timing = ReportDelivery.Timing(due, time.UtcNow(), options.TimeZone);
        if (timing == ReportTiming.Missed && anyJob)
            logger.LogWarning("The compliance reports of {Month} were not sent: they fell due on {Due:yyyy-MM-dd HH:mm} UTC and serve did not run before the end of that month ('reports compliance --month {Month}' prints them)",
                month, due, month);
        if (timing != ReportTiming.Due) return new(month, timing, 0, false);

        var report = await reports.MonthAsync(month, null, cancellationToken);
        var drafts = Drafts(report);
        try
        {
            var raised = await outbox.RaiseAsync(drafts, cancellationToken);
            if (raised.Count > 0) logger.LogInformation("Monthly compliance reports of {Month} raised: {Count} companies", month, raised.Count);
            return new(month, timing, raised.Count, RaisedBefore: raised.Count < drafts.Count);
        }
        catch (Exception e) when (DatabaseErrors.IsUniqueViolation(e))
        {
            logger.LogInformation("Monthly compliance reports of {Month} were raised by another process", month);
            return new(month, timing, 0, RaisedBefore: true);
        }
    }

    /// <summary>One `report` draft per company of the report (pure).</summary>
    public static IReadOnlyList<NoticeDraft> Drafts(MonthlyReport report) =>
        report.Companies.Select(c => NoticeDraft.Report(c.Company, report.Month.ToString(), CompanyMonthView.Of(report, c).ToJson(),
            ReportDelivery.DedupeKey(c.Company, report.Month))).ToList();
}
