using BackupMonitor.Security;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Dashboard;

/// <summary>
/// A scan as a caller may see it (SPEC §11): the whole run for a key of every company; for a key limited to companies,
/// the same figures counted over its jobs only — the entries its jobs got during the run, and the reports its jobs'
/// agents sent — all counted in SQL. Bytes and duration are the run's (they name no company).
/// </summary>
public sealed class ScanTiles(BackupMonitorDbContext db)
{
    public async Task<ScanRun?> LastScanAsync(AccessCaller caller, CancellationToken cancellationToken)
    {
        var run = await db.ScanRuns.AsNoTracking().OrderByDescending(r => r.FinishedAtUtc).ThenByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        return run is null || !caller.IsScoped ? run : await ScopedAsync(run, caller, cancellationToken);
    }

    /// <summary>The run's figures counted over the caller's jobs between its start and its end.</summary>
    public async Task<ScanRun> ScopedAsync(ScanRun run, AccessCaller caller, CancellationToken cancellationToken)
    {
        var jobs = db.Jobs.AsNoTracking().VisibleTo(caller);
        var ids = jobs.Select(j => j.Id);
        var agents = jobs.Select(j => j.AgentIdResponsible);
        var byStatus = await db.Entries.AsNoTracking()
            .Where(e => ids.Contains(e.ExpectedJobId) && e.CreatedAtUtc >= run.StartedAtUtc && e.CreatedAtUtc <= run.FinishedAtUtc)
            .GroupBy(e => e.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Status, g => g.Count, cancellationToken);
        var reports = await db.ProcessedReports.AsNoTracking()
            .Where(r => agents.Contains(r.AgentId) && r.ReadAtUtc >= run.StartedAtUtc && r.ReadAtUtc <= run.FinishedAtUtc)
            .GroupBy(r => r.Outcome).Select(g => new { Outcome = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Outcome, g => g.Count, cancellationToken);
        int Count(BackupEntryStatus status) => byStatus.GetValueOrDefault(status);
        return new ScanRun
        {
            Id = run.Id, StartedAtUtc = run.StartedAtUtc, FinishedAtUtc = run.FinishedAtUtc, DurationMs = run.DurationMs,
            ReportsRead = reports.Values.Sum(), ReportsInvalid = reports.GetValueOrDefault(ReportOutcome.Invalid), EntriesCreated = byStatus.Values.Sum(),
            Success = Count(BackupEntryStatus.Success), Failed = Count(BackupEntryStatus.Failed), Missing = Count(BackupEntryStatus.Missing),
            HashMismatch = Count(BackupEntryStatus.HashMismatch), TransferIntegrityFailed = Count(BackupEntryStatus.TransferIntegrityFailed),
            Corrupt = Count(BackupEntryStatus.Corrupt),
        };
    }
}
