using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Scanning;

public sealed partial class BatchPipeline
{
    /// <summary>What a commit recorded, and the entries the database refused (recorded first by another process).</summary>
    private sealed record Committed(List<BackupEntry> Entries, List<(BackupEntry Entry, Exception Error)> Refused, bool Whole);

    /// <summary>
    /// Step 4's transaction: each entry applied to its job in order (<see cref="JobProgress"/>), then everything in ONE
    /// commit. When the database refuses it (another process recorded one of the rows first), the same entries are
    /// committed one per transaction and the refused ones reported; nothing is decided again (the jobs' progress is
    /// only re-applied over the entries that commit).
    /// </summary>
    private async Task<Committed> CommitEntriesAsync(
        Facts facts, List<(ExpectedBackupJob Job, BackupEntry Entry)> entries, List<ProcessedReport> newRecords, DateTime now, CancellationToken cancellationToken)
    {
        var sizeDropped = CheckSizes(entries, facts.RecentSizes);
        var start = facts.Jobs.ToDictionary(j => j, j => JobProgress.Of(j, facts.NewestEntries.TryGetValue(j.Id, out var t) ? t : null));
        var progress = new Dictionary<ExpectedBackupJob, JobProgress>(start);
        var all = entries.Select(e => Record(progress, e.Job, e.Entry, sizeDropped)).ToList();
        foreach (var _ in all) FaultInjection.BeforeEntryCommit();
        if (await store.CommitAsync(new ScanCommit(all, newRecords, facts.Jobs), notifier, now, cancellationToken) is null)
            return new Committed(entries.Select(e => e.Entry).ToList(), [], Whole: true);

        foreach (var (job, state) in start) state.ApplyTo(job);
        progress = new Dictionary<ExpectedBackupJob, JobProgress>(start);
        var committed = new Committed([], [], Whole: false);
        foreach (var (job, entry) in entries)
        {
            var before = progress[job];
            var one = Record(progress, job, entry, sizeDropped);
            FaultInjection.BeforeEntryCommit();
            if (await store.CommitAsync(new ScanCommit([one], [], [job]), notifier, now, cancellationToken) is { } refused)
            {
                progress[job] = before;
                before.ApplyTo(job);
                committed.Refused.Add((entry, refused));
            }
            else committed.Entries.Add(entry);
        }
        await store.CommitAsync(new ScanCommit([], [], facts.Jobs), notifier, now, cancellationToken);
        return committed;
    }

    /// <summary>Applies an entry to its job's progress (and the job row), saying what changed for the notifier.</summary>
    private static RecordedEntry Record(Dictionary<ExpectedBackupJob, JobProgress> progress, ExpectedBackupJob job, BackupEntry entry, HashSet<BackupEntry> sizeDropped)
    {
        var recorded = progress[job].Record(entry.Status, entry.EffectiveTimeUtc);
        progress[job] = recorded.After;
        recorded.After.ApplyTo(job);
        return new RecordedEntry(job, entry, recorded.PreviousStatus, recorded.ChangedStatus, sizeDropped.Contains(entry));
    }

    /// <summary>SPEC §5.1: a success far below the job's usual size stays a success, with a warning (decided once, in recording order).</summary>
    private HashSet<BackupEntry> CheckSizes(List<(ExpectedBackupJob Job, BackupEntry Entry)> entries, Dictionary<int, List<long>> recentSizes)
    {
        var dropped = new HashSet<BackupEntry>(ReferenceEqualityComparer.Instance);
        foreach (var (job, entry) in entries)
        {
            if (entry.Status != BackupEntryStatus.Success || entry.ServerCalculatedStagedSize is not { } size || !recentSizes.TryGetValue(job.Id, out var recent)) continue;
            if (SizeDrop.Check(size, recent, content.SizeDropPercent) is { } warning)
            {
                entry.ErrorMessage = entry.ErrorMessage is null ? warning : $"{entry.ErrorMessage} {warning}";
                dropped.Add(entry);
            }
            recent.Insert(0, size);
            if (recent.Count > SizeDrop.Window) recent.RemoveAt(recent.Count - 1);
        }
        return dropped;
    }

    /// <summary>After a refused batch: each new report record in its own transaction; returns those refused (their reports stay in staging).</summary>
    private async Task<HashSet<ProcessedReport>> CommitRecordsOneByOneAsync(List<ProcessedReport> records, DateTime now, CancellationToken cancellationToken)
    {
        var refused = new HashSet<ProcessedReport>(ReferenceEqualityComparer.Instance);
        foreach (var record in records)
        {
            if (await store.CommitAsync(new ScanCommit([], [record], []), notifier, now, cancellationToken) is not { } error) continue;
            refused.Add(record);
            logger.LogError("Report {Agent}/log/{File} could not be recorded: {Error}; it stays in staging for the next scan", record.AgentId, record.FileName, error.InnerException?.Message ?? error.Message);
        }
        return refused;
    }

    /// <summary>Where each line's file goes and what is there already: the file system, then one query for which of those files entries reference.</summary>
    private async Task<LineDestination?[]> DestinationsAsync(BatchPlan plan, CancellationToken cancellationToken)
    {
        var found = new (string Relative, List<string> Validated, List<string> Quarantined)?[plan.Lines.Count];
        Parallel.For(0, plan.Lines.Count, Parallelism(cancellationToken), i => found[i] = files.Destination(plan.Lines[i]));
        var validated = found.SelectMany(f => f?.Validated ?? []).ToList();
        var quarantined = found.SelectMany(f => f?.Quarantined ?? []).ToList();
        var (referencedValidated, referencedQuarantined) = validated.Count + quarantined.Count == 0
            ? ([], [])
            : await store.ReferencedPathsAsync(validated, quarantined, cancellationToken);
        return found.Select(f => f is not { } d ? null : new LineDestination(d.Relative, d.Validated.Count > 0, d.Quarantined.Count > 0,
            d.Validated.Where(p => !referencedValidated.Contains(p)).ToList(), d.Quarantined.Where(p => !referencedQuarantined.Contains(p)).ToList())).ToArray();
    }

    private void LogPlan(BatchPlan plan, ScanSummary summary)
    {
        foreach (var (report, line) in plan.Unmatched)
        {
            summary.UnmatchedLines++;
            logger.LogWarning("Unmatched line in {Agent}/log/{File}: no active job for database '{Db}'; ignored", report.AgentId, report.FileName, line.DbName);
        }
        foreach (var job in plan.UnreadableSchedules)
            logger.LogError("Job {Id} has a schedule that cannot be read ('{Schedule}' in '{TimeZone}'): its missed cycles are not checked; fix it with PUT /api/jobs/{Id}.",
                job.Id, job.ScheduleExpression, job.TimeZone, job.Id);
        foreach (var missed in plan.Missed)
            logger.LogError("Fichier de sauvegarde manquant pour '{Db}' (ID: {Id}) : aucun rapport pour le cycle de {Cycle:yyyy-MM-dd HH:mm} UTC.", missed.Job.DatabaseName, missed.Job.Id, missed.CycleUtc);
    }

    private void LogVerdict(ExpectedBackupJob job, BackupEntry entry)
    {
        switch (entry.Status)
        {
            case BackupEntryStatus.Success:
                logger.LogInformation("Fichier stagé pour '{Db}' validé avec succès (hachage et taille).", job.DatabaseName);
                if (entry.ErrorMessage is not null) logger.LogWarning("Job '{Db}' (ID: {Id}): {Warning}", job.DatabaseName, job.Id, entry.ErrorMessage);
                break;
            case BackupEntryStatus.Missing:
                logger.LogError("Fichier de sauvegarde manquant pour '{Db}' (ID: {Id}).", job.DatabaseName, job.Id);
                break;
            default:
                logger.LogWarning("Job '{Db}' (ID: {Id}) a un statut '{Status}'. Erreur: {Error}", job.DatabaseName, job.Id, entry.Status.ToLabel(), entry.ErrorMessage);
                break;
        }
    }

    private void LogLineFailure(PlannedLine line, Exception e) =>
        logger.LogError("Job '{Db}' (ID: {Id}): line of {Time:o} could not be processed: {Error}; its report stays in staging for the next scan",
            line.Job.DatabaseName, line.Job.Id, line.Line.OperationTimestampUtc, e.Message);
}
