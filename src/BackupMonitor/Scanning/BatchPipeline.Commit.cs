using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Scanning;

public sealed partial class BatchPipeline
{
    /// <summary>What a commit recorded, and the entries the database refused (recorded first by another process).</summary>
    private sealed record Committed(List<BackupEntry> Entries, List<(BackupEntry Entry, Exception Error)> Refused, bool Whole);

    /// <summary>
    /// Step 4's transaction: each entry applied to its job in order (<see cref="JobProgress"/>), the notices planned from
    /// the batch's facts (<see cref="NoticePlanner"/>), then everything in ONE commit. When the database refuses it
    /// (another process recorded one of the rows first, or any database error), the same entries are committed one per
    /// transaction and the refused ones reported; nothing is decided again: the jobs' progress and the notices are only
    /// re-planned over the entries that commit, from the batch's facts, which a failed commit never changed.
    /// </summary>
    private async Task<Committed> CommitEntriesAsync(
        Facts facts, List<(ExpectedBackupJob Job, BackupEntry Entry)> entries, List<ProcessedReport> newRecords, DateTime now, CancellationToken cancellationToken)
    {
        var sizeDropped = CheckSizes(entries, facts.RecentSizes);
        var start = facts.Jobs.ToDictionary(j => j, j => JobProgress.Of(j, facts.NewestEntries.TryGetValue(j.Id, out var t) ? t : null));
        var progress = new Dictionary<ExpectedBackupJob, JobProgress>(start);
        var all = entries.Select(e => Record(progress, e.Job, e.Entry, sizeDropped)).ToList();
        foreach (var _ in all) faults.BeforeEntryCommit();
        var plan = PlanNotices(all, facts.Notices, now);
        if (await store.CommitAsync(new ScanCommit(all, newRecords, facts.Jobs, plan), now, cancellationToken) is null)
        {
            Announce(plan);
            return new Committed(entries.Select(e => e.Entry).ToList(), [], Whole: true);
        }

        foreach (var (job, state) in start) state.ApplyTo(job);
        progress = new Dictionary<ExpectedBackupJob, JobProgress>(start);
        var noticeFacts = facts.Notices;
        var committed = new Committed([], [], Whole: false);
        foreach (var (job, entry) in entries)
        {
            var before = progress[job];
            var one = Record(progress, job, entry, sizeDropped);
            var onePlan = PlanNotices([one], noticeFacts, now);
            faults.BeforeEntryCommit();
            if (await store.CommitAsync(new ScanCommit([one], [], [job], onePlan), now, cancellationToken) is { } refused)
            {
                progress[job] = before;
                before.ApplyTo(job);
                committed.Refused.Add((entry, refused));
            }
            else
            {
                committed.Entries.Add(entry);
                noticeFacts = onePlan.After;
                Announce(onePlan);
            }
        }
        await store.CommitAsync(new ScanCommit([], [], facts.Jobs), now, cancellationToken);
        return committed;
    }

    private NoticePlan PlanNotices(IReadOnlyList<RecordedEntry> recorded, NoticeFacts facts, DateTime now) =>
        NoticePlanner.Plan(recorded, facts, alerts, emailOptions.NotifyOnRecovery, now);

    /// <summary>Says what a committed plan raised (the operator's log) and warns once per run when a delivery was skipped.</summary>
    private void Announce(NoticePlan plan)
    {
        foreach (var (notice, job, entry) in plan.Notices)
        {
            if (notice.Kind == NoticeKind.Warning)
                logger.LogWarning("Size warning for job '{Database}': {Warning}", job.DatabaseName, entry.ErrorMessage);
            else if (notice.Kind == NoticeKind.Alert)
                logger.LogInformation("Alert raised for job '{Database}' with status '{Status}'.", job.DatabaseName, notice.Status);
            else
                logger.LogInformation("Recovery notice for job '{Database}' (previous status '{Previous}').", job.DatabaseName, notice.PreviousJobStatus.ToWire());
            if (notice.Deliveries.FirstOrDefault(d => d.State == DeliveryState.Suppressed) is { } quieted)
                logger.LogInformation("Notice of job '{Database}' {Why}.", job.DatabaseName, quieted.LastError);
        }
        if (NoticeBuilder.AnySkipped(plan.Notices.Select(p => p.Notice))) email.WarnOnceIfDisabled();
    }

    /// <summary>Applies an entry to its job's progress (and the job row), saying what changed for the notice planner.</summary>
    private static RecordedEntry Record(Dictionary<ExpectedBackupJob, JobProgress> progress, ExpectedBackupJob job, BackupEntry entry, HashSet<BackupEntry> sizeDropped)
    {
        var recorded = progress[job].Record(entry.Status, entry.EffectiveTimeUtc);
        progress[job] = recorded.After;
        recorded.After.ApplyTo(job);
        return new RecordedEntry(job, entry, recorded.After.Status, recorded.PreviousStatus, recorded.ChangedStatus, sizeDropped.Contains(entry));
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
            if (await store.CommitAsync(new ScanCommit([], [record], []), now, cancellationToken) is not { } error) continue;
            refused.Add(record);
            logger.LogError("Report {Agent}/log/{File} could not be recorded: {Error}; it stays in staging for the next scan", record.AgentId, record.FileName, DatabaseErrors.Message(error));
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
            logger.LogError("Backup missing for '{Db}' (ID {Id}): no report for the cycle of {Cycle:yyyy-MM-dd HH:mm} UTC.", missed.Job.DatabaseName, missed.Job.Id, missed.CycleUtc);
    }

    private void LogVerdict(ExpectedBackupJob job, BackupEntry entry)
    {
        switch (entry.Status)
        {
            case BackupEntryStatus.Success:
                logger.LogInformation("Staged file for '{Db}' verified (hash and size).", job.DatabaseName);
                if (entry.ErrorMessage is not null) logger.LogWarning("Job '{Db}' (ID: {Id}): {Warning}", job.DatabaseName, job.Id, entry.ErrorMessage);
                break;
            case BackupEntryStatus.Missing:
                logger.LogError("Backup missing for '{Db}' (ID {Id}).", job.DatabaseName, job.Id);
                break;
            default:
                logger.LogWarning("Job '{Db}' (ID {Id}) has status '{Status}'. Error: {Error}", job.DatabaseName, job.Id, entry.Status.ToLabel(), entry.ErrorMessage);
                break;
        }
    }

    private void LogLineFailure(PlannedLine line, Exception e) =>
        logger.LogError("Job '{Db}' (ID: {Id}): line of {Time:o} could not be processed: {Error}; its report stays in staging for the next scan",
            line.Job.DatabaseName, line.Job.Id, line.Line.OperationTimestampUtc, e.Message);
}
