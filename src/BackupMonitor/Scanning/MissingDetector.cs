using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Scanning;

/// <summary>Records one `missing` entry per cycle whose deadline passed with nothing belonging to it, never more.</summary>
public sealed class MissingDetector(BackupMonitorDbContext db, EntryRecorder recorder, ScanOptions options, TimeProvider time, ILogger<MissingDetector> logger)
{
    public async Task DetectAsync(IReadOnlyList<ExpectedBackupJob> jobs, ScanSummary summary, CancellationToken cancellationToken)
    {
        var now = time.UtcNow();
        var covered = await CoveredCyclesAsync(jobs, now, cancellationToken);
        foreach (var job in jobs)
        {
            var grace = job.GraceMinutes ?? options.MissingGraceMinutes;
            foreach (var cycle in Cycles.DueCycles(job.ExpectedHourUtc, job.ExpectedMinuteUtc, grace, job.WatchedSinceUtc, now))
            {
                if (covered.Contains((job.Id, cycle))) continue;
                var entry = new BackupEntry
                {
                    Status = BackupEntryStatus.Missing,
                    ExpectedCycleUtc = cycle,
                    ErrorMessage = EntryDecision.MissedCycle(cycle, grace),
                };
                logger.LogError("Fichier de sauvegarde manquant pour '{Db}' (ID: {Id}) : aucun rapport pour le cycle de {Cycle:yyyy-MM-dd HH:mm} UTC.", job.DatabaseName, job.Id, cycle);
                try
                {
                    await recorder.RecordAsync(job, entry, cancellationToken);
                    summary.Count(BackupEntryStatus.Missing);
                }
                catch (DbUpdateException e)
                {
                    // Another scan recorded it first (the unique index on job + cycle): nothing to add.
                    logger.LogInformation("Missing entry for job {Id} cycle {Cycle:o} already recorded elsewhere: {Error}", job.Id, cycle, e.InnerException?.Message ?? e.Message);
                }
            }
        }
    }

    /// <summary>(job, cycle) pairs that already have an entry: a report line belonging to the cycle, or a missing entry for it.</summary>
    private async Task<HashSet<(int, DateTime)>> CoveredCyclesAsync(IReadOnlyList<ExpectedBackupJob> jobs, DateTime now, CancellationToken cancellationToken)
    {
        var since = now - Cycles.MissingLookback - TimeSpan.FromDays(2);
        var ids = jobs.Select(j => j.Id).ToList();
        var rows = await db.Entries.AsNoTracking()
            .Where(e => ids.Contains(e.ExpectedJobId) && (e.AgentReportTimestampUtc >= since || e.ExpectedCycleUtc >= since))
            .Select(e => new { e.ExpectedJobId, e.AgentReportTimestampUtc, e.ExpectedCycleUtc })
            .ToListAsync(cancellationToken);
        var byId = jobs.ToDictionary(j => j.Id);
        var covered = new HashSet<(int, DateTime)>();
        foreach (var row in rows)
        {
            if (!byId.TryGetValue(row.ExpectedJobId, out var job)) continue;
            var cycle = row.ExpectedCycleUtc ?? Cycles.CycleOf(row.AgentReportTimestampUtc!.Value, job.ExpectedHourUtc, job.ExpectedMinuteUtc);
            covered.Add((job.Id, cycle));
        }
        return covered;
    }
}
