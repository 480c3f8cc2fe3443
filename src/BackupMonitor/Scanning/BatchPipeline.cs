using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using BackupMonitor.Reports;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Scanning;

/// <summary>
/// One batch of claimed agents through the scan (SPEC §1), in four steps that each happen once:
/// (1) <b>read</b> the agents' reports and every fact the decisions need, through the <see cref="ScanStore"/>;
/// (2) <b>plan</b>: pure decisions (<see cref="BatchPlanner"/>) give every line its step and every missed cycle;
/// (3) <b>files</b>: each line's staged file is hashed, decided and moved (<see cref="LineFiles"/>), lines in parallel;
/// (4) <b>commit</b> the entries, jobs, notices and report records in one transaction, then archive the reports.
/// Steps 1–3 run in <see cref="StartAsync"/>, step 3 in the background so that the scan's stages (<see cref="BatchStages"/>)
/// commit the previous batch meanwhile; step 4 in <see cref="CommitAsync"/>, whose report filing also runs on.
/// </summary>
public sealed partial class BatchPipeline(
    ScanStore store,
    ReportReader reader,
    ReportFiling filing,
    LineFiles files,
    AgentLeases leases,
    NoticeStore notices,
    EmailSwitch email,
    EmailOptions emailOptions,
    AlertOptions alerts,
    ScanOptions options,
    ContentOptions content,
    Faults.FaultPoints faults,
    TimeProvider time,
    ILogger<Scanner> logger)
{
    /// <summary>A batch between its start and its commit.</summary>
    public sealed class Batch
    {
        internal Batch(IReadOnlyList<string> agents, Facts facts, BatchPlan plan, LineOutcome[] outcomes, Task files)
            => (Agents, Facts, Plan, Outcomes, Files) = (agents, facts, plan, outcomes, files);

        public IReadOnlyList<string> Agents { get; }
        internal Facts Facts { get; }
        internal BatchPlan Plan { get; }
        internal LineOutcome[] Outcomes { get; }
        /// <summary>Step 3 on the thread pool: it never touches the database, which stays free for other batches.</summary>
        public Task Files { get; }
        /// <summary>The end of step 4, after the commit: the reports leaving staging (files only).</summary>
        public Task Reports { get; internal set; } = Task.CompletedTask;
    }

    /// <summary>What step 1 read besides the plan's own facts.</summary>
    internal sealed record Facts(
        List<ExpectedBackupJob> Jobs, List<CollectedReport> Reports, List<RejectedReport> Rejected,
        Dictionary<(string, string, string), ProcessedReport> ReportRecords, Dictionary<int, DateTime> NewestEntries, Dictionary<int, List<long>> RecentSizes,
        NoticeFacts Notices);

    /// <summary>Steps 1 to 3 (the last one started, not awaited).</summary>
    public async Task<Batch> StartAsync(IReadOnlyList<string> agents, ScanSummary summary, CancellationToken cancellationToken)
    {
        // 1. Read: the reports (files, agents in parallel), then every fact the decisions need, a query each for the batch.
        var read = new ReportReader.AgentReports[agents.Count];
        await WhileClaimedAsync(agents, Parallel.ForAsync(0, agents.Count, Parallelism(cancellationToken),
            (i, _) => { read[i] = reader.Read(agents[i]); return ValueTask.CompletedTask; }), cancellationToken);
        var (reports, rejected) = ReportIntake.Sort(read, summary, options.MinFileAgeSeconds, logger);
        var now = time.UtcNow();
        var jobs = await store.ActiveJobsOfAsync(agents, cancellationToken);
        var ids = jobs.Select(j => j.Id).ToList();
        var times = reports.SelectMany(r => r.Report.Databases).Select(l => l.OperationTimestampUtc).DefaultIfEmpty(now).ToList();
        var recorded = await store.EntriesReportedAsync(ids, times.Min(), times.Max(), cancellationToken);
        var covered = BatchPlanner.CoveredCycles(jobs, await store.EntryTimesSinceAsync(ids, BatchPlanner.CoverSince(jobs, now), cancellationToken));

        // 2. Plan: pure decisions over those facts.
        var plan = BatchPlanner.Plan(new BatchFacts(jobs, reports, recorded, covered, now, options.MissingGraceMinutes));
        // Only a line to record can be a success whose size is compared with the job's last ones: the size history is
        // read for those jobs alone (a scan with nothing new read it for every job: ~250 ms a batch at 100,000 jobs, bench/README).
        var recording = plan.Lines.Where(l => l.Step == LineStep.Record).Select(l => l.Job.Id).Distinct().ToList();
        var facts = new Facts(jobs, reports, rejected,
            await store.ReportRecordsAsync(reports.Select(r => (r.AgentId, r.FileName, r.ContentSha256)).Concat(rejected.Select(r => (r.AgentId, r.FileName, r.ContentSha256))).ToList(), cancellationToken),
            await store.NewestEntryTimesAsync(ids, cancellationToken),
            content.SizeDropPercent > 0 ? await store.RecentSuccessSizesAsync(recording, SizeDrop.Window, cancellationToken) : [],
            await notices.FactsAsync(jobs, cancellationToken));
        LogPlan(plan, summary);
        var destinations = await DestinationsAsync(plan, cancellationToken);

        // 3. Files: each line hashed, decided and moved, while the caller commits the previous batch. Jobs in parallel,
        // each job's lines in order (two lines may name the same staged file: the older one gets it).
        var outcomes = new LineOutcome[plan.Lines.Count];
        var byJob = Enumerable.Range(0, plan.Lines.Count).GroupBy(i => plan.Lines[i].Job).ToList();
        var filesTask = Parallel.ForEachAsync(byJob, Parallelism(cancellationToken), async (lines, ct) =>
        {
            foreach (var i in lines) outcomes[i] = await files.HandleAsync(plan.Lines[i], destinations[i], ct);
        });
        return new Batch(agents, facts, plan, outcomes, filesTask);
    }

    /// <summary>
    /// The end of step 3: waits for the batch's files while renewing its claims, each renewal in the scan's
    /// <paramref name="database"/> turn (another batch may be using the DbContext meanwhile).
    /// </summary>
    public Task WaitForFilesAsync(Batch batch, SemaphoreSlim database, CancellationToken cancellationToken) =>
        WhileClaimedAsync(batch.Agents, batch.Files, cancellationToken, database);

    /// <summary>Step 4, once the batch's files are done: commits what they decided, then starts filing its reports (<see cref="Batch.Reports"/>).</summary>
    public async Task CommitAsync(Batch batch, ScanSummary summary, CancellationToken cancellationToken)
    {
        await batch.Files;
        var (facts, plan) = (batch.Facts, batch.Plan);
        var now = time.UtcNow();
        var unfinished = new HashSet<CollectedReport>();
        var sources = new Dictionary<BackupEntry, PlannedLine>(ReferenceEqualityComparer.Instance);
        var removeAfterCommit = new Dictionary<BackupEntry, string>(ReferenceEqualityComparer.Instance);
        var entries = new List<(ExpectedBackupJob Job, BackupEntry Entry)>();
        for (var i = 0; i < plan.Lines.Count; i++)
        {
            var line = plan.Lines[i];
            switch (batch.Outcomes[i])
            {
                case LineOutcome.Decided decided:
                    summary.BytesVerified += decided.BytesVerified;
                    LogVerdict(line.Job, decided.Entry);
                    entries.Add((line.Job, decided.Entry));
                    sources[decided.Entry] = line;
                    if (decided.RemoveAfterCommit is { } staged) removeAfterCommit[decided.Entry] = staged;
                    break;
                case LineOutcome.Failed failed:
                    unfinished.Add(line.Report);
                    LogLineFailure(line, failed.Error);
                    break;
            }
        }
        entries.AddRange(plan.Missed.Select(m => (m.Job, MissingEntry(m))));
        foreach (var job in facts.Jobs) job.LastCheckedAtUtc = now;

        // Each finished report's record: the one an earlier, interrupted scan committed, else a new one.
        ProcessedReport RecordOf(string agentId, string fileName, string contentSha256, Func<ProcessedReport> create) =>
            facts.ReportRecords.GetValueOrDefault((agentId, fileName, contentSha256)) ?? create();
        var records = facts.Reports.Where(r => !unfinished.Contains(r))
            .Select(r => (Path: r.FilePath, r.ContentSha256, Record: RecordOf(r.AgentId, r.FileName, r.ContentSha256, () => filing.NewArchiveRecord(r, now)), Rejected: (RejectedReport?)null))
            .Concat(facts.Rejected.Select(r => (Path: r.FilePath, r.ContentSha256,
                Record: RecordOf(r.AgentId, r.FileName, r.ContentSha256, () => filing.NewQuarantineRecord(r.AgentId, r.FileName, r.ContentSha256, r.Problems, now)), Rejected: (RejectedReport?)r)))
            .ToList();
        var newRecords = records.Select(r => r.Record).Where(r => r.Id == 0).ToList();

        var committed = await CommitEntriesAsync(facts, entries, newRecords, now, cancellationToken);
        foreach (var (entry, error) in committed.Refused)
        {
            if (sources.TryGetValue(entry, out var line))
            {
                unfinished.Add(line.Report);
                LogLineFailure(line, error);
            }
            else if (DatabaseErrors.IsUniqueViolation(error))
                logger.LogInformation("Missing entry for job {Id} cycle {Cycle:o} already recorded elsewhere: {Error}", entry.ExpectedJobId, entry.ExpectedCycleUtc, DatabaseErrors.Message(error));
            else
                logger.LogError("Missing entry for job {Id} cycle {Cycle:o} could not be recorded: {Error}; the next scan checks that cycle again", entry.ExpectedJobId, entry.ExpectedCycleUtc, DatabaseErrors.Message(error));
        }
        foreach (var entry in committed.Entries)
        {
            summary.Count(entry.Status);
            if (removeAfterCommit.TryGetValue(entry, out var staged)) RemoveStagedCopy(staged);
        }
        var unfinishedPaths = unfinished.Select(r => r.FilePath).ToHashSet(StringComparer.Ordinal);
        var refusedRecords = committed.Whole ? []
            : await CommitRecordsOneByOneAsync(records.Where(r => r.Record.Id == 0 && !unfinishedPaths.Contains(r.Path)).Select(r => r.Record).ToList(), now, cancellationToken);

        // Then the reports leave staging, where their committed records say, while the next batch commits.
        batch.Reports = Parallel.ForEachAsync(records.Where(r => !unfinishedPaths.Contains(r.Path) && !refusedRecords.Contains(r.Record)), Parallelism(cancellationToken),
            (report, ct) => new ValueTask(FileReportAsync(report.Path, report.ContentSha256, report.Record, report.Rejected, ct)));
    }

    /// <summary>
    /// A backup copied to another filesystem leaves staging once its entry is committed. A staged file that cannot be
    /// removed (read-only staging) is only a warning: the entry is recorded, the next scan recognises the leftover, and
    /// the rest of the scan and its deliveries go on.
    /// </summary>
    private void RemoveStagedCopy(string staged)
    {
        try
        {
            File.Delete(staged);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Staged file {Path} was copied to its place but could not be removed from staging: {Error}", staged, e.Message);
        }
    }

    private async Task FileReportAsync(string path, string contentSha256, ProcessedReport record, RejectedReport? rejected, CancellationToken cancellationToken)
    {
        try
        {
            if (rejected is null) await filing.MoveToRecordedPlaceAsync(path, contentSha256, record, cancellationToken);
            else await filing.QuarantineAsync(rejected.AgentId, path, contentSha256, rejected.Problems, rejected.IsLink, record, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            logger.LogWarning("Report {Path} vanished before it could be filed; it will be read by a later scan if it comes back", path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogError("Report {Path} could not be filed: {Error}; it stays in staging for the next scan", path, e.Message);
        }
    }

    private static BackupEntry MissingEntry(MissedCycle missed) => new()
    {
        Status = BackupEntryStatus.Missing,
        ExpectedCycleUtc = missed.CycleUtc,
        ErrorMessage = EntryDecision.MissedCycle(missed.CycleUtc, missed.GraceMinutes),
    };

    /// <summary>
    /// Runs file work on every core and meanwhile renews the batch's claims (the database is idle then): hashing a
    /// batch of large files can outlast a claim, and another scan must not take the agents over.
    /// </summary>
    private async Task WhileClaimedAsync(IReadOnlyList<string> agents, Task running, CancellationToken cancellationToken, SemaphoreSlim? database = null)
    {
        using var finished = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (await Task.WhenAny(running, Task.Delay(AgentLeases.Duration / 3, time, finished.Token)) != running)
        {
            if (database is not null) await database.WaitAsync(cancellationToken);
            try
            {
                await leases.RenewAsync(agents, cancellationToken);
            }
            finally
            {
                database?.Release();
            }
        }
        await finished.CancelAsync();
        await running;
    }

    private static ParallelOptions Parallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
}
