using System.Data.Common;
using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Persistence;

/// <summary>
/// Everything a scan reads from and writes to the database, as named methods (reads here, the commit in
/// ScanStore.Commit.cs). Each read is one statement for a whole batch of agents, written in SQL once (see
/// <see cref="RawSql"/> for why not LINQ); rows come back untracked, so a batch's memory is released with it.
/// </summary>
public sealed partial class ScanStore(BackupMonitorDbContext db, NoticeStore notices, Faults.FaultPoints faults)
{
    /// <summary>The agents that have active jobs (the scan visits them even without a staging folder).</summary>
    public async Task<List<string>> AgentsWithActiveJobsAsync(CancellationToken cancellationToken)
    {
        await using var select = db.Command();
        select.CommandText = $"SELECT DISTINCT {Job(nameof(ExpectedBackupJob.AgentIdResponsible))} FROM {db.Table<ExpectedBackupJob>()} WHERE {IsActive(select)}";
        var agents = new List<string>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) agents.Add(reader.GetString(0));
        return agents;
    }

    /// <summary>The active jobs of these agents, in the agents' order then by id.</summary>
    public async Task<List<ExpectedBackupJob>> ActiveJobsOfAsync(IReadOnlyList<string> agents, CancellationToken cancellationToken)
    {
        await using var select = db.Command();
        select.CommandText = $"SELECT {db.AllColumns<ExpectedBackupJob>()} FROM {db.Table<ExpectedBackupJob>()} " +
            $"WHERE {select.In(db, Job(nameof(ExpectedBackupJob.AgentIdResponsible)), "@agents", agents)} AND {IsActive(select)}";
        var jobs = await select.ReadEntitiesAsync<ExpectedBackupJob>(db, cancellationToken);
        var order = agents.Select((agent, i) => (agent, i)).ToDictionary(a => a.agent, a => a.i, StringComparer.Ordinal);
        return jobs.OrderBy(j => order[j.AgentIdResponsible]).ThenBy(j => j.Id).ToList();
    }

    /// <summary>The entries of these jobs reported between two times (what an interrupted scan recorded), by job and operation time.</summary>
    public async Task<Dictionary<(int JobId, DateTime OperationUtc), BackupEntry>> EntriesReportedAsync(
        IReadOnlyCollection<int> jobIds, DateTime fromUtc, DateTime toUtc, CancellationToken cancellationToken)
    {
        if (jobIds.Count == 0) return [];
        await using var select = db.Command();
        var reported = Entry(nameof(BackupEntry.AgentReportTimestampUtc));
        select.CommandText = $"SELECT {db.AllColumns<BackupEntry>()} FROM {db.Table<BackupEntry>()} " +
            $"WHERE {select.In(db, Entry(nameof(BackupEntry.ExpectedJobId)), "@jobs", jobIds)} " +
            $"AND {reported} >= {select.Parameter<BackupEntry>(db, "@from", nameof(BackupEntry.AgentReportTimestampUtc), fromUtc)} " +
            $"AND {reported} <= {select.Parameter<BackupEntry>(db, "@to", nameof(BackupEntry.AgentReportTimestampUtc), toUtc)}";
        var found = await select.ReadEntitiesAsync<BackupEntry>(db, cancellationToken);
        return found.ToDictionary(e => (e.ExpectedJobId, e.AgentReportTimestampUtc!.Value));
    }

    /// <summary>Each job's newest entry time (operation time, or cycle for a missing entry); jobs with no entry are absent.</summary>
    public async Task<Dictionary<int, DateTime>> NewestEntryTimesAsync(IReadOnlyCollection<int> jobIds, CancellationToken cancellationToken)
    {
        var newest = new Dictionary<int, DateTime>();
        if (jobIds.Count == 0) return newest;
        string job = Entry(nameof(BackupEntry.ExpectedJobId)), reported = Entry(nameof(BackupEntry.AgentReportTimestampUtc)), cycle = Entry(nameof(BackupEntry.ExpectedCycleUtc));
        await using var select = db.Command();
        // One MAX per job and column, each answered by its (job, time) index: a GROUP BY over both columns read every
        // entry of every job, so each scan of `serve` slowed as the history grew (bench/README, the soak).
        var entries = db.Table<BackupEntry>();
        select.CommandText = $"SELECT j.value, (SELECT MAX({reported}) FROM {entries} WHERE {job} = j.value), (SELECT MAX({cycle}) FROM {entries} WHERE {job} = j.value) " +
            $"FROM {select.ValuesTable(db, "j", "@jobs", jobIds)}";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            DateTime? a = reader.Read<BackupEntry, DateTime?>(db, 1, nameof(BackupEntry.AgentReportTimestampUtc)),
                b = reader.Read<BackupEntry, DateTime?>(db, 2, nameof(BackupEntry.ExpectedCycleUtc));
            if (a is null && b is null) continue;
            newest[reader.GetInt32(0)] = (a > b ? a : b ?? a)!.Value;
        }
        return newest;
    }

    /// <summary>The sizes of each job's last <paramref name="window"/> successes, newest first (every job gets a list).</summary>
    public async Task<Dictionary<int, List<long>>> RecentSuccessSizesAsync(IReadOnlyCollection<int> jobIds, int window, CancellationToken cancellationToken)
    {
        var sizes = jobIds.ToDictionary(id => id, _ => new List<long>());
        if (jobIds.Count == 0) return sizes;
        string job = Entry(nameof(BackupEntry.ExpectedJobId)), reported = Entry(nameof(BackupEntry.AgentReportTimestampUtc)),
            size = Entry(nameof(BackupEntry.ServerCalculatedStagedSize)), status = Entry(nameof(BackupEntry.Status));
        await using var select = db.Command();
        var success = select.Parameter<BackupEntry>(db, "@success", nameof(BackupEntry.Status), BackupEntryStatus.Success);
        // Each job's newest successes read backwards on its (job, operation time) index, stopping at the window: a
        // ROW_NUMBER over all of the jobs' successes read their whole history. `+status` keeps SQLite off the status
        // index, which it would otherwise pick without statistics (every success of every job).
        var entries = db.Table<BackupEntry>();
        var jobs = select.ValuesTable(db, "j", "@jobs", jobIds);
        select.CommandText = db.Database.IsNpgsql()
            ? $"SELECT j.value, r.s FROM {jobs} CROSS JOIN LATERAL (SELECT {size} AS s, {reported} AS t FROM {entries} " +
              $"WHERE {job} = j.value AND {status} = {success} AND {size} IS NOT NULL ORDER BY {reported} DESC LIMIT {window}) r ORDER BY j.value, r.t DESC"
            : $"SELECT e.{job}, e.{size} FROM {jobs} JOIN {entries} e ON e.{Entry(nameof(BackupEntry.Id))} IN (SELECT {Entry(nameof(BackupEntry.Id))} FROM {entries} " +
              $"WHERE {job} = j.value AND +{status} = {success} AND {size} IS NOT NULL ORDER BY {reported} DESC LIMIT {window}) ORDER BY e.{job}, e.{reported} DESC";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) sizes[reader.GetInt32(0)].Add(reader.GetInt64(1));
        return sizes;
    }

    /// <summary>The operation time and cycle of these jobs' entries since <paramref name="sinceUtc"/> (by either).</summary>
    public async Task<List<(int JobId, DateTime? ReportedUtc, DateTime? CycleUtc)>> EntryTimesSinceAsync(
        IReadOnlyCollection<int> jobIds, DateTime sinceUtc, CancellationToken cancellationToken)
    {
        var times = new List<(int, DateTime?, DateTime?)>();
        if (jobIds.Count == 0) return times;
        string job = Entry(nameof(BackupEntry.ExpectedJobId)), reported = Entry(nameof(BackupEntry.AgentReportTimestampUtc)), cycle = Entry(nameof(BackupEntry.ExpectedCycleUtc));
        await using var select = db.Command();
        // `reported >= @since OR cycle >= @since`: PostgreSQL answers it with a BitmapOr of the two (job, time) indexes
        // (3-25 ms a batch at 100,000 jobs; the UNION below took it to 60-160 ms, with parallel workers). SQLite read
        // the whole table for it, for every batch of every scan: there, two range reads, one on each index, the second
        // leaving out what the first returned.
        string entries = db.Table<BackupEntry>(), inJobs = select.In(db, job, "@jobs", jobIds),
            since = select.Parameter<BackupEntry>(db, "@since", nameof(BackupEntry.AgentReportTimestampUtc), sinceUtc);
        select.CommandText = db.Database.IsNpgsql()
            ? $"SELECT {job}, {reported}, {cycle} FROM {entries} WHERE {inJobs} AND ({reported} >= {since} OR {cycle} >= {since})"
            : $"SELECT {job}, {reported}, {cycle} FROM {entries} WHERE {inJobs} AND {reported} >= {since} UNION ALL " +
              $"SELECT {job}, {reported}, {cycle} FROM {entries} WHERE {inJobs} AND {cycle} >= {since} AND ({reported} IS NULL OR {reported} < {since})";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            times.Add((reader.GetInt32(0), reader.Read<BackupEntry, DateTime?>(db, 1, nameof(BackupEntry.AgentReportTimestampUtc)),
                reader.Read<BackupEntry, DateTime?>(db, 2, nameof(BackupEntry.ExpectedCycleUtc))));
        return times;
    }

    /// <summary>The records of these report files made by earlier scans, by agent, file name and content (one query).</summary>
    public async Task<Dictionary<(string AgentId, string FileName, string ContentSha256), ProcessedReport>> ReportRecordsAsync(
        IReadOnlyCollection<(string AgentId, string FileName, string ContentSha256)> reports, CancellationToken cancellationToken)
    {
        if (reports.Count == 0) return [];
        await using var select = db.Command();
        select.CommandText = $"SELECT {db.AllColumns<ProcessedReport>()} FROM {db.Table<ProcessedReport>()} " +
            $"WHERE {select.In(db, db.Column<ProcessedReport>(nameof(ProcessedReport.AgentId)), "@agents", reports.Select(r => r.AgentId).Distinct().ToList())} " +
            $"AND {select.In(db, db.Column<ProcessedReport>(nameof(ProcessedReport.ContentSha256)), "@contents", reports.Select(r => r.ContentSha256).Distinct().ToList())}";
        var found = await select.ReadEntitiesAsync<ProcessedReport>(db, cancellationToken);
        return found.DistinctBy(r => (r.AgentId, r.FileName, r.ContentSha256)).ToDictionary(r => (r.AgentId, r.FileName, r.ContentSha256));
    }

    /// <summary>Which of these relative paths an entry references, as its validated path and as its quarantine path.</summary>
    public async Task<(HashSet<string> Validated, HashSet<string> Quarantined)> ReferencedPathsAsync(
        IReadOnlyCollection<string> validated, IReadOnlyCollection<string> quarantined, CancellationToken cancellationToken) =>
        (await ReferencedAsync(nameof(BackupEntry.ValidatedPath), validated, cancellationToken),
         await ReferencedAsync(nameof(BackupEntry.QuarantinePath), quarantined, cancellationToken));

    private async Task<HashSet<string>> ReferencedAsync(string property, IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        if (paths.Count == 0) return referenced;
        await using var select = db.Command();
        select.CommandText = $"SELECT {Entry(property)} FROM {db.Table<BackupEntry>()} WHERE {select.In(db, Entry(property), "@paths", paths)}";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) referenced.Add(reader.GetString(0));
        return referenced;
    }

    private string Job(string property) => db.Column<ExpectedBackupJob>(property);
    private string Entry(string property) => db.Column<BackupEntry>(property);

    private string IsActive(DbCommand command) =>
        $"{Job(nameof(ExpectedBackupJob.IsActive))} = {command.Parameter<ExpectedBackupJob>(db, "@active", nameof(ExpectedBackupJob.IsActive), true)}";
}
