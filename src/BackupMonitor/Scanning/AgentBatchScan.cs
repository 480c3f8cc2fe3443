using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using BackupMonitor.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Scanning;

/// <summary>
/// The three phases of SPEC §1 for a batch of claimed agents, with the database at the edges: a few queries
/// load what the batch needs, the files of all its lines are verified and moved in parallel (no database),
/// then everything is recorded in one transaction (entries, jobs, notices, the reports' archive records),
/// and only then are copied staged files removed and reports archived. A line that needs the database to
/// recognize what an interrupted scan left (and the later lines of its job) takes the one-by-one path.
/// </summary>
public sealed class AgentBatchScan(
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
    /// <summary>One job's report lines in this batch, oldest first, and what became of each.</summary>
    internal sealed class JobWork(ExpectedBackupJob job)
    {
        public ExpectedBackupJob Job { get; } = job;
        public List<(ReportLine Line, CollectedReport Report)> Lines { get; } = [];
        public List<LineOutcome> Outcomes { get; } = [];
        /// <summary>Index of the first line left to <see cref="LineProcessor.ProcessAsync"/>, or -1.</summary>
        public int OneByOneFrom { get; set; } = -1;
    }

    internal abstract record LineOutcome
    {
        public sealed record Verified(LineProcessor.VerifiedLine Line) : LineOutcome;
        public sealed record AlreadyRecorded : LineOutcome;
        public sealed record Failed(Exception Error) : LineOutcome;
    }

    /// <summary>A claimed batch whose files are being verified and moved, waiting for <see cref="FinishAsync"/>.</summary>
    public sealed class Batch
    {
        internal Batch(IReadOnlyList<string> agents, List<CollectedReport> reports, List<ExpectedBackupJob> jobs, List<JobWork> work,
            HashSet<(int, DateTime)> covered, Dictionary<(string AgentId, string FileName, string ContentSha256), ProcessedReport> earlierRecords, Task verifying)
        {
            (Agents, Reports, Jobs, Work, Covered, EarlierRecords, Verifying) = (agents, reports, jobs, work, covered, earlierRecords, verifying);
        }

        public IReadOnlyList<string> Agents { get; }
        internal List<CollectedReport> Reports { get; }
        internal List<ExpectedBackupJob> Jobs { get; }
        internal List<JobWork> Work { get; }
        internal HashSet<(int, DateTime)> Covered { get; }
        internal Dictionary<(string AgentId, string FileName, string ContentSha256), ProcessedReport> EarlierRecords { get; }
        /// <summary>The file work, on the thread pool: it never touches the DbContext, which stays free for other batches.</summary>
        public Task Verifying { get; }
    }

    /// <summary>
    /// Phase 1 and the database reads of a claimed batch, then starts its file work (phase 2) in the background
    /// and returns: the caller may commit the previous batch meanwhile (<see cref="FinishAsync"/>), so that the
    /// database work of one batch and the file work of the next use different cores.
    /// </summary>
    public async Task<Batch> StartAsync(IReadOnlyList<string> agents, ScanSummary summary, CancellationToken cancellationToken)
    {
        var parallel = ParallelOptionsFor(cancellationToken);
        var read = new ReportCollector.AgentReports[agents.Count];
        await WhileClaimedAsync(agents, Parallel.ForAsync(0, agents.Count, parallel, (i, _) => { read[i] = collector.Read(agents[i]); return ValueTask.CompletedTask; }), cancellationToken);
        var reports = new List<CollectedReport>();
        foreach (var agent in read) reports.AddRange(await collector.FileAsync(agent, summary, cancellationToken));
        var jobs = await ActiveJobsOfAsync(agents, cancellationToken);
        var work = Plan(jobs, reports, summary);

        await recorder.LoadAsync(jobs.Select(j => j.Id).ToList(), cancellationToken);
        var existing = await ExistingEntriesAsync(work, cancellationToken);
        var covered = await missing.CoveredCyclesAsync(jobs, cancellationToken);
        var earlierRecords = await filing.FindAllAsync(reports, cancellationToken);

        var verifying = Parallel.ForEachAsync(work, parallel, (w, ct) => new ValueTask(VerifyAsync(w, existing, ct)));
        return new Batch(agents, reports, jobs, work, covered, earlierRecords, verifying);
    }

    /// <summary>Waits for a batch's file work, then records it: one transaction, then the reports' archiving.</summary>
    public async Task FinishAsync(Batch batch, ScanSummary summary, CancellationToken cancellationToken)
    {
        var (agents, reports, jobs, work, covered, earlierRecords) = (batch.Agents, batch.Reports, batch.Jobs, batch.Work, batch.Covered, batch.EarlierRecords);
        var parallel = ParallelOptionsFor(cancellationToken);
        await WhileClaimedAsync(agents, batch.Verifying, cancellationToken);

        // Serially, in the order the one-by-one scan used: stage entries, then the jobs' missed cycles.
        var unfinished = new HashSet<CollectedReport>();
        var waiting = new HashSet<CollectedReport>();
        var lineOf = new Dictionary<BackupEntry, (ReportLine Line, CollectedReport Report)>(ReferenceEqualityComparer.Instance);
        var stagedEntries = new List<BackupEntry>();
        foreach (var w in work)
        {
            for (var i = 0; i < w.Outcomes.Count; i++)
            {
                var (line, report) = w.Lines[i];
                switch (w.Outcomes[i])
                {
                    case LineOutcome.Verified { Line: var verified }:
                        summary.BytesVerified += verified.BytesVerified;
                        lines.LogVerdict(w.Job, verified.Entry);
                        recorder.Stage(w.Job, verified.Entry, verified.RemoveAfterCommit);
                        lineOf[verified.Entry] = (line, report);
                        stagedEntries.Add(verified.Entry);
                        covered.Add((w.Job.Id, MissingDetector.CycleOf(w.Job, verified.Entry)));
                        break;
                    case LineOutcome.Failed { Error: var error }:
                        unfinished.Add(report);
                        LogLineFailure(w.Job, line, error);
                        break;
                }
            }
            if (w.OneByOneFrom >= 0) waiting.UnionWith(w.Lines.Skip(w.OneByOneFrom).Select(l => l.Report));
        }
        var oneByOne = work.Where(w => w.OneByOneFrom >= 0).ToList();
        var slowJobs = oneByOne.Select(w => w.Job).ToHashSet();
        foreach (var (job, entry) in missing.Due(jobs.Where(j => !slowJobs.Contains(j)), covered))
        {
            recorder.Stage(job, entry, null);
            stagedEntries.Add(entry);
        }
        var now = time.UtcNow();
        foreach (var job in jobs) job.LastCheckedAtUtc = now;

        var records = new Dictionary<CollectedReport, ProcessedReport>();
        var newRecords = new List<ProcessedReport>();
        foreach (var report in reports.Where(r => !unfinished.Contains(r) && !waiting.Contains(r)))
        {
            if (!earlierRecords.TryGetValue((report.AgentId, report.FileName, report.ContentSha256), out var record))
                newRecords.Add(record = filing.NewArchiveRecord(report));
            records[report] = record;
        }

        var result = await recorder.CommitStagedAsync(newRecords, jobs, cancellationToken);
        var notRecorded = new HashSet<BackupEntry>(ReferenceEqualityComparer.Instance);
        foreach (var (entry, error) in result.NotRecorded)
        {
            notRecorded.Add(entry);
            var job = jobs.First(j => j.Id == entry.ExpectedJobId);
            if (lineOf.TryGetValue(entry, out var source))
            {
                unfinished.Add(source.Report);
                LogLineFailure(job, source.Line, error);
            }
            else
            {
                missing.LogRecordedElsewhere(job, entry, error);
            }
        }
        foreach (var entry in stagedEntries.Where(e => !notRecorded.Contains(e))) summary.Count(entry.Status);

        await ProcessOneByOneAsync(oneByOne, unfinished, summary, cancellationToken);
        if (oneByOne.Count > 0 || !result.AlsoAddSaved)
        {
            now = time.UtcNow();
            foreach (var job in jobs) job.LastCheckedAtUtc = now;
            await recorder.SaveJobsAsync(jobs, cancellationToken);
        }

        // Files only: the reports whose records the batch committed move in parallel, the others one by one.
        var toArchive = reports.Where(r => !unfinished.Contains(r)).ToList();
        await Parallel.ForEachAsync(toArchive.Where(r => result.AlsoAddSaved && records.ContainsKey(r)), parallel,
            (report, ct) => new ValueTask(ArchiveAsync(report, records[report], ct)));
        foreach (var report in toArchive.Where(r => !(result.AlsoAddSaved && records.ContainsKey(r))))
            await ArchiveAsync(report, null, cancellationToken);
    }

    private async Task ArchiveAsync(CollectedReport report, ProcessedReport? committedRecord, CancellationToken cancellationToken)
    {
        try
        {
            if (committedRecord is not null) await filing.MoveToRecordedPlaceAsync(report, committedRecord, cancellationToken);
            else await filing.ArchiveAsync(report, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DbUpdateException)
        {
            logger.LogError("Report {Agent}/log/{File} could not be archived: {Error}; it stays in staging for the next scan", report.AgentId, report.FileName, e.Message);
        }
    }

    /// <summary>
    /// Runs file work on every core and meanwhile renews the batch's claims (the DbContext is idle then):
    /// hashing a batch of large files can outlast a claim, and another scan must not take the agents over.
    /// </summary>
    private async Task WhileClaimedAsync(IReadOnlyList<string> agents, Task running, CancellationToken cancellationToken)
    {
        using var finished = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (await Task.WhenAny(running, Task.Delay(AgentLeases.Duration / 3, time, finished.Token)) != running)
            await leases.RenewAsync(agents, cancellationToken);
        await finished.CancelAsync();
        await running;
    }

    private static ParallelOptions ParallelOptionsFor(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };

    /// <summary>Groups the reports' lines by job, oldest first; lines with no active job are logged and ignored.</summary>
    private List<JobWork> Plan(List<ExpectedBackupJob> jobs, List<CollectedReport> reports, ScanSummary summary)
    {
        var byKey = jobs.ToDictionary(j => (j.AgentIdResponsible, j.DatabaseName));
        var byJob = new Dictionary<ExpectedBackupJob, JobWork>();
        var work = new List<JobWork>();
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
                if (!byJob.TryGetValue(job, out var w)) work.Add(byJob[job] = w = new JobWork(job));
                w.Lines.Add((line, report));
            }
        }
        foreach (var w in work)
        {
            // Oldest first, so the history is complete and the newest line sets the job's status.
            var sorted = w.Lines.OrderBy(l => l.Line.OperationTimestampUtc).ToList();
            w.Lines.Clear();
            w.Lines.AddRange(sorted);
        }
        return work;
    }

    /// <summary>The agents that have active jobs (the scan visits them even without a staging folder).</summary>
    public async Task<List<string>> AgentsWithActiveJobsAsync(CancellationToken cancellationToken)
    {
        await using var select = db.Command();
        select.CommandText = $"SELECT DISTINCT {db.Column<ExpectedBackupJob>(nameof(ExpectedBackupJob.AgentIdResponsible))} FROM {db.Table<ExpectedBackupJob>()} WHERE {IsActive(select)}";
        var agents = new List<string>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) agents.Add(reader.GetString(0));
        return agents;
    }

    private string IsActive(System.Data.Common.DbCommand command) =>
        $"{db.Column<ExpectedBackupJob>(nameof(ExpectedBackupJob.IsActive))} = {command.Parameter<ExpectedBackupJob>(db, "@active", nameof(ExpectedBackupJob.IsActive), true)}";

    /// <summary>
    /// The active jobs of these agents, read once their claims are held, in the agents' order then by id.
    /// Untracked: saving a batch never compares every job for changes.
    /// </summary>
    private async Task<List<ExpectedBackupJob>> ActiveJobsOfAsync(IReadOnlyList<string> agents, CancellationToken cancellationToken)
    {
        await using var select = db.Command();
        select.CommandText = $"SELECT {db.AllColumns<ExpectedBackupJob>()} FROM {db.Table<ExpectedBackupJob>()} " +
            $"WHERE {select.In(db, db.Column<ExpectedBackupJob>(nameof(ExpectedBackupJob.AgentIdResponsible)), "@agents", agents)} " +
            $"AND {IsActive(select)}";
        var jobs = await select.ReadEntitiesAsync<ExpectedBackupJob>(db, cancellationToken);
        var order = agents.Select((agent, i) => (agent, i)).ToDictionary(a => a.agent, a => a.i, StringComparer.Ordinal);
        return jobs.OrderBy(j => order[j.AgentIdResponsible]).ThenBy(j => j.Id).ToList();
    }

    /// <summary>The entries already recorded for the batch's lines (a re-scan after an interrupted one), in one query.</summary>
    private async Task<Dictionary<(int, DateTime), BackupEntry>> ExistingEntriesAsync(List<JobWork> work, CancellationToken cancellationToken)
    {
        if (work.Count == 0) return [];
        var ids = work.Select(w => w.Job.Id).ToList();
        var times = work.SelectMany(w => w.Lines).Select(l => l.Line.OperationTimestampUtc).ToList();
        DateTime? from = times.Min(), to = times.Max();
        await using var select = db.Command();
        var reported = db.Column<BackupEntry>(nameof(BackupEntry.AgentReportTimestampUtc));
        select.CommandText = $"SELECT {db.AllColumns<BackupEntry>()} FROM {db.Table<BackupEntry>()} " +
            $"WHERE {select.In(db, db.Column<BackupEntry>(nameof(BackupEntry.ExpectedJobId)), "@jobs", ids)} " +
            $"AND {reported} >= {select.Parameter<BackupEntry>(db, "@from", nameof(BackupEntry.AgentReportTimestampUtc), from)} " +
            $"AND {reported} <= {select.Parameter<BackupEntry>(db, "@to", nameof(BackupEntry.AgentReportTimestampUtc), to)}";
        var found = await select.ReadEntitiesAsync<BackupEntry>(db, cancellationToken);
        return found.ToDictionary(e => (e.ExpectedJobId, e.AgentReportTimestampUtc!.Value));
    }

    /// <summary>Runs in parallel with other jobs' work: files only, never the database.</summary>
    private async Task VerifyAsync(JobWork w, Dictionary<(int, DateTime), BackupEntry> existing, CancellationToken cancellationToken)
    {
        var seen = new HashSet<DateTime>();
        foreach (var (line, _) in w.Lines)
        {
            try
            {
                if (existing.TryGetValue((w.Job.Id, line.OperationTimestampUtc), out var recorded))
                {
                    await lines.FinishLeftoverAsync(w.Job, line, recorded, cancellationToken);
                    w.Outcomes.Add(new LineOutcome.AlreadyRecorded());
                    continue;
                }
                // A second line for the same time is decided against the first one's entry, once that is committed.
                var verified = seen.Add(line.OperationTimestampUtc) ? await lines.VerifyAsync(w.Job, line, cancellationToken) : null;
                if (verified is null)
                {
                    w.OneByOneFrom = w.Outcomes.Count;
                    return;
                }
                w.Outcomes.Add(new LineOutcome.Verified(verified));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Whatever one line's files do, the other lines and agents go on; its report stays for the next scan.
                w.Outcomes.Add(new LineOutcome.Failed(e));
            }
        }
    }

    /// <summary>The lines that need the database, and their jobs' missed cycles, after the batch is committed.</summary>
    private async Task ProcessOneByOneAsync(List<JobWork> oneByOne, HashSet<CollectedReport> unfinished, ScanSummary summary, CancellationToken cancellationToken)
    {
        if (oneByOne.Count == 0) return;
        foreach (var w in oneByOne)
        {
            foreach (var (line, report) in w.Lines.Skip(w.OneByOneFrom))
            {
                try
                {
                    var entry = await lines.ProcessAsync(w.Job, line, summary, cancellationToken);
                    if (entry is not null) summary.Count(entry.Status);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or DbUpdateException)
                {
                    unfinished.Add(report);
                    LogLineFailure(w.Job, line, e);
                }
            }
        }
        await missing.DetectAsync(oneByOne.Select(w => w.Job).ToList(), summary, cancellationToken);
    }

    private void LogLineFailure(ExpectedBackupJob job, ReportLine line, Exception e) =>
        logger.LogError("Job '{Db}' (ID: {Id}): line of {Time:o} could not be processed: {Error}; its report stays in staging for the next scan", job.DatabaseName, job.Id, line.OperationTimestampUtc, e.Message);
}
