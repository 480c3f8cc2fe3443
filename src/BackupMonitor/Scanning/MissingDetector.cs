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
    /// <summary>Records the missing entries of these jobs now, one transaction each.</summary>
    public async Task DetectAsync(IReadOnlyList<ExpectedBackupJob> jobs, ScanSummary summary, CancellationToken cancellationToken)
    {
        var covered = await CoveredCyclesAsync(jobs, cancellationToken);
        foreach (var (job, entry) in Due(jobs, covered))
        {
            try
            {
                await recorder.RecordAsync(job, entry, cancellationToken);
                summary.Count(BackupEntryStatus.Missing);
            }
            catch (DbUpdateException e)
            {
                LogRecordedElsewhere(job, entry, e);
            }
        }
    }

    /// <summary>The missing entries these jobs are due (not recorded), given the cycles already covered; logs each.</summary>
    public IEnumerable<(ExpectedBackupJob Job, BackupEntry Entry)> Due(IEnumerable<ExpectedBackupJob> jobs, IReadOnlySet<(int, DateTime)> covered)
    {
        var now = time.UtcNow();
        foreach (var job in jobs)
        {
            if (Schedule.TryOf(job) is not { } schedule)
            {
                logger.LogError("Job {Id} has a schedule that cannot be read ('{Schedule}' in '{TimeZone}'): its missed cycles are not checked; fix it with PUT /api/jobs/{Id}.",
                    job.Id, job.ScheduleExpression, job.TimeZone, job.Id);
                continue;
            }
            var grace = Cycles.GraceMinutes(schedule, job.GraceMinutes, options.MissingGraceMinutes);
            foreach (var cycle in Cycles.DueCycles(schedule, grace, job.WatchedSinceUtc, now))
            {
                if (covered.Contains((job.Id, cycle))) continue;
                var entry = new BackupEntry
                {
                    Status = BackupEntryStatus.Missing,
                    ExpectedCycleUtc = cycle,
                    ErrorMessage = EntryDecision.MissedCycle(cycle, grace),
                };
                logger.LogError("Fichier de sauvegarde manquant pour '{Db}' (ID: {Id}) : aucun rapport pour le cycle de {Cycle:yyyy-MM-dd HH:mm} UTC.", job.DatabaseName, job.Id, cycle);
                yield return (job, entry);
            }
        }
    }

    /// <summary>Another scan recorded it first (the unique index on job + cycle): nothing to add.</summary>
    public void LogRecordedElsewhere(ExpectedBackupJob job, BackupEntry entry, DbUpdateException e) =>
        logger.LogInformation("Missing entry for job {Id} cycle {Cycle:o} already recorded elsewhere: {Error}", job.Id, entry.ExpectedCycleUtc, e.InnerException?.Message ?? e.Message);

    /// <summary>The cycle a recorded entry covers.</summary>
    public static DateTime CycleOf(ExpectedBackupJob job, BackupEntry entry) =>
        entry.ExpectedCycleUtc ?? (Schedule.TryOf(job) is { } schedule ? Cycles.CycleOf(entry.AgentReportTimestampUtc!.Value, schedule) : entry.AgentReportTimestampUtc!.Value);

    /// <summary>(job, cycle) pairs that already have an entry: a report line belonging to the cycle, or a missing entry for it.</summary>
    public async Task<HashSet<(int, DateTime)>> CoveredCyclesAsync(IReadOnlyCollection<ExpectedBackupJob> jobs, CancellationToken cancellationToken)
    {
        var now = time.UtcNow();
        var covered = new HashSet<(int, DateTime)>();
        if (jobs.Count == 0) return covered;
        var byId = jobs.Select(j => (j.Id, Schedule: Schedule.TryOf(j))).Where(j => j.Schedule is not null).ToDictionary(j => j.Id, j => j.Schedule!);
        var since = byId.Values.Where(s => !s.IsDailyUtc).Distinct().Select(s => Cycles.OldestBelonging(s, now))
            .Append(now - Cycles.MissingLookback - TimeSpan.FromDays(2)).Min();
        string job = db.Column<BackupEntry>(nameof(BackupEntry.ExpectedJobId)), reported = db.Column<BackupEntry>(nameof(BackupEntry.AgentReportTimestampUtc)),
            cycle = db.Column<BackupEntry>(nameof(BackupEntry.ExpectedCycleUtc));
        await using var select = db.Command();
        select.CommandText = $"SELECT {job}, {reported}, {cycle} FROM {db.Table<BackupEntry>()} " +
            $"WHERE {select.In(db, job, "@jobs", jobs.Select(j => j.Id).ToList())} " +
            $"AND ({reported} >= {select.Parameter<BackupEntry>(db, "@since", nameof(BackupEntry.AgentReportTimestampUtc), since)} OR {cycle} >= @since)";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt32(0);
            if (!byId.TryGetValue(id, out var schedule)) continue;
            var covers = reader.Read<BackupEntry, DateTime?>(db, 2, nameof(BackupEntry.ExpectedCycleUtc))
                ?? Cycles.CycleOf(reader.Read<BackupEntry, DateTime?>(db, 1, nameof(BackupEntry.AgentReportTimestampUtc))!.Value, schedule);
            covered.Add((id, covers));
        }
        return covered;
    }
}
