using System.Diagnostics;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using BackupMonitor.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Scanning;

/// <summary>
/// One scan (SPEC §1), agent by agent: collect and validate its reports, evaluate its jobs, archive the
/// reports, and record every outcome. A broken report or a failing job never stops the scan.
/// </summary>
public sealed class Scanner(
    BackupMonitorDbContext db,
    ReportCollector collector,
    ReportFiling filing,
    LineProcessor lines,
    MissingDetector missing,
    EntryRecorder recorder,
    AgentLeases leases,
    TimeProvider time,
    ILogger<Scanner> logger)
{
    internal EntryRecorder Recorder => recorder;

    public async Task<ScanSummary> RunAsync(CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var started = time.UtcNow();
        var summary = new ScanSummary();

        var jobs = await db.Jobs.Where(j => j.IsActive).OrderBy(j => j.Id).ToListAsync(cancellationToken);
        var jobsByAgent = jobs.GroupBy(j => j.AgentIdResponsible).ToDictionary(g => g.Key, g => g.ToList());
        var agents = collector.AgentFolders().Union(jobsByAgent.Keys).Order(StringComparer.Ordinal).ToList();
        await recorder.LoadAsync(cancellationToken);

        // Each agent is one unit of work, claimed so that concurrent scans (several processes, one
        // database) never handle the same agent's reports or decide its missing backups twice.
        foreach (var agentId in agents)
        {
            if (!await leases.TryClaimAsync(agentId, cancellationToken))
            {
                summary.AgentsSkipped++;
                logger.LogDebug("Agent {Agent} is being scanned by another process; skipped", agentId);
                continue;
            }
            try
            {
                await ScanAgentAsync(agentId, jobsByAgent.GetValueOrDefault(agentId) ?? [], summary, cancellationToken);
            }
            finally
            {
                await leases.ReleaseAsync(agentId);
            }
        }

        summary.DurationMs = stopwatch.ElapsedMilliseconds;
        await RecordRunAsync(started, summary, cancellationToken);
        logger.LogInformation(
            "Scan done in {DurationMs} ms: {Read} reports read ({Invalid} invalid, {Deferred} left for later), {Entries} entries ({Success} success, {Failed} failed, {Missing} missing, {Mismatch} hash mismatch, {Integrity} transfer integrity failed), {Bytes} bytes verified, {Skipped} agents left to another process",
            summary.DurationMs, summary.ReportsRead, summary.ReportsInvalid, summary.ReportsDeferred, summary.EntriesCreated,
            summary.ByStatus[BackupEntryStatus.Success], summary.ByStatus[BackupEntryStatus.Failed], summary.ByStatus[BackupEntryStatus.Missing],
            summary.ByStatus[BackupEntryStatus.HashMismatch], summary.ByStatus[BackupEntryStatus.TransferIntegrityFailed], summary.BytesVerified,
            summary.AgentsSkipped);
        return summary;
    }

    /// <summary>The three phases of SPEC §1 for one agent: collect and validate, evaluate its jobs, archive.</summary>
    private async Task ScanAgentAsync(string agentId, List<ExpectedBackupJob> jobs, ScanSummary summary, CancellationToken cancellationToken)
    {
        var reports = await collector.CollectAsync(agentId, summary, cancellationToken);
        var unfinished = await EvaluateLinesAsync(jobs, reports, summary, cancellationToken);
        await missing.DetectAsync(jobs, summary, cancellationToken);
        if (jobs.Count > 0)
        {
            var now = time.UtcNow();
            foreach (var job in jobs) job.LastCheckedAtUtc = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        foreach (var report in reports.Where(r => !unfinished.Contains(r)))
        {
            try
            {
                await filing.ArchiveAsync(report, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or DbUpdateException)
            {
                logger.LogError("Report {Agent}/log/{File} could not be archived: {Error}; it stays in staging for the next scan", report.AgentId, report.FileName, e.Message);
            }
        }
    }

    /// <summary>Returns the reports with a line that could not be processed: they stay in staging for the next scan.</summary>
    private async Task<HashSet<CollectedReport>> EvaluateLinesAsync(List<ExpectedBackupJob> jobs, IReadOnlyList<CollectedReport> reports, ScanSummary summary, CancellationToken cancellationToken)
    {
        var unfinished = new HashSet<CollectedReport>();
        var byKey = jobs.ToDictionary(j => (j.AgentIdResponsible, j.DatabaseName));
        var linesByJob = new Dictionary<ExpectedBackupJob, List<(ReportLine Line, CollectedReport Report)>>();
        foreach (var report in reports)
        {
            foreach (var line in report.Report.Databases)
            {
                if (!byKey.TryGetValue((report.AgentId, line.DbName), out var job))
                {
                    summary.UnmatchedLines++;
                    logger.LogWarning("Unmatched line in {Agent}/log/{File}: no active job for database '{Db}'; ignored", report.AgentId, report.FileName, line.DbName);
                    continue;
                }
                if (!linesByJob.TryGetValue(job, out var list)) linesByJob[job] = list = [];
                list.Add((line, report));
            }
        }

        foreach (var (job, jobLines) in linesByJob)
        {
            // Oldest first, so the history is complete and the newest line sets the job's status.
            foreach (var (line, report) in jobLines.OrderBy(l => l.Line.OperationTimestampUtc))
            {
                try
                {
                    var entry = await lines.ProcessAsync(job, line, summary, cancellationToken);
                    if (entry is not null) summary.Count(entry.Status);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or DbUpdateException)
                {
                    unfinished.Add(report);
                    logger.LogError("Job '{Db}' (ID: {Id}): line of {Time:o} could not be processed: {Error}; its report stays in staging for the next scan", job.DatabaseName, job.Id, line.OperationTimestampUtc, e.Message);
                }
            }
        }
        return unfinished;
    }

    private async Task RecordRunAsync(DateTime started, ScanSummary summary, CancellationToken cancellationToken)
    {
        db.ScanRuns.Add(new ScanRun
        {
            StartedAtUtc = started,
            FinishedAtUtc = time.UtcNow(),
            ReportsRead = summary.ReportsRead,
            ReportsInvalid = summary.ReportsInvalid,
            EntriesCreated = summary.EntriesCreated,
            Success = summary.ByStatus[BackupEntryStatus.Success],
            Failed = summary.ByStatus[BackupEntryStatus.Failed],
            Missing = summary.ByStatus[BackupEntryStatus.Missing],
            HashMismatch = summary.ByStatus[BackupEntryStatus.HashMismatch],
            TransferIntegrityFailed = summary.ByStatus[BackupEntryStatus.TransferIntegrityFailed],
            BytesVerified = summary.BytesVerified,
            DurationMs = summary.DurationMs,
            Host = Environment.MachineName,
        });
        await db.SaveChangesAsync(cancellationToken);
    }
}
