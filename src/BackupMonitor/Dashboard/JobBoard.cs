using BackupMonitor.Security;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Dashboard;

/// <summary>The overview's state, all of it in the query string so that the minute refresh and links keep it.</summary>
public sealed record JobQuery(string? Company, string? City, string? Status, string? Search, string? Sort, bool Descending, bool IncludeInactive, int Page = 1)
{
    public const string AttentionSort = "attention";
    public const int PageSize = 100;

    public static readonly IReadOnlyList<string> SortKeys =
        [AttentionSort, "company", "city", "neighborhood", "database", "agent", "status", "last_success", "last_failure", "expected"];

    public string SortKey => Sort is { } s && SortKeys.Contains(s) ? s : AttentionSort;

    public JobStatus? WantedStatus => StatusNames.TryParseJobStatus(Status, out var status) ? status : null;
}

public sealed record JobRow(ExpectedBackupJob Job, IReadOnlyList<StripDay> Strip);

/// <summary>What the overview shows: tiles, last scan, the company table, one page of jobs and the filters' choices.</summary>
public sealed record OverviewData(
    IReadOnlyDictionary<JobStatus, int> Counts, ScanRun? LastScan, PageOf<JobRow> Rows, int ActiveJobs,
    IReadOnlyList<string> Companies, IReadOnlyList<string> Cities, IReadOnlyList<CompanyRow> CompanyRows,
    IReadOnlyList<Decisions.ComplianceDay>? CompanyDays);

public sealed record PageOf<T>(IReadOnlyList<T> Items, int Number, int Pages, int Total);

/// <summary>What the dashboard's pages read: jobs filtered and sorted, their history strips, entries and the outbox.</summary>
public sealed class JobBoard(BackupMonitorDbContext db, Notifications.OutboxQuery outbox, TimeProvider time, CompanyBoard companies, ScanTiles scanTiles)
{
    /// <summary>
    /// A handful of queries whatever the estate's size: counts per status, the company table, one page of jobs
    /// (filtered, searched and sorted in SQL) and the strips of that page's jobs only.
    /// </summary>
    public async Task<OverviewData> OverviewAsync(JobQuery query, AccessCaller caller, CancellationToken cancellationToken)
    {
        var jobs = db.Jobs.AsNoTracking().VisibleTo(caller);
        // Active jobs per status: for every company from the summary the writes keep current (Persistence/HistoryCountsSchema);
        // for a key limited to companies, counted in SQL over its jobs.
        List<(JobStatus Status, int Count)> byStatus;
        if (caller.IsScoped)
            byStatus = (await jobs.Where(j => j.IsActive).GroupBy(j => j.CurrentStatus).Select(g => new { Status = g.Key, Count = g.Count() })
                .ToListAsync(cancellationToken)).Select(g => (g.Status, g.Count)).ToList();
        else
        {
            var summary = await db.ReadAsync(cancellationToken);
            byStatus = StatusNames.AllJobStatuses.Select(s => (s, (int)summary.Get("jobs", s.ToWire()))).ToList();
        }
        var counts = StatusStyle.TileOrder.ToDictionary(s => s, s => byStatus.Where(c => c.Status == s).Sum(c => c.Count));
        var lastScan = await scanTiles.LastScanAsync(caller, cancellationToken);

        var filtered = JobList.Filter(jobs, query);
        // Active jobs of every company, all or of one status: the summary's count is that count, without reading the jobs.
        var fromSummary = !caller.IsScoped && !query.IncludeInactive && string.IsNullOrEmpty(query.Company) && string.IsNullOrEmpty(query.City)
            && string.IsNullOrWhiteSpace(query.Search);
        var total = fromSummary
            ? byStatus.Where(c => query.WantedStatus is not { } wanted || c.Status == wanted).Sum(c => c.Count)
            : await filtered.CountAsync(cancellationToken);
        var (number, pages) = Clamp(query.Page, JobQuery.PageSize, total);
        // The page's ids first, sorted on the narrow keys alone, then its rows: sorting whole rows cost ~250 ms at
        // 100,000 jobs on PostgreSQL, the ids alone about half (bench/README, "Issue 22 (fifth session)").
        var ids = await JobList.Sort(filtered, query).Skip((number - 1) * JobQuery.PageSize).Take(JobQuery.PageSize)
            .Select(j => j.Id).ToListAsync(cancellationToken);
        var byId = (await jobs.Where(j => ids.Contains(j.Id)).ToListAsync(cancellationToken)).ToDictionary(j => j.Id);
        var shown = ids.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
        var strips = await StripsAsync(shown, cancellationToken);
        var rows = new PageOf<JobRow>(shown.Select(j => new JobRow(j, strips[j.Id])).ToList(), number, pages, total);

        var companyRows = await companies.TableAsync(caller, cancellationToken);
        var days = string.IsNullOrEmpty(query.Company) ? null : await companies.DailyAsync(query.Company, caller, cancellationToken);
        // The filters offer deactivated jobs' companies and cities too ("include deactivated jobs").
        var companyNames = await jobs.Select(j => j.CompanyName).Distinct().ToListAsync(cancellationToken);
        var cities = await jobs.Select(j => j.City).Distinct().ToListAsync(cancellationToken);
        return new OverviewData(counts, lastScan, rows, byStatus.Sum(c => c.Count),
            Distinct(companyNames), Distinct(cities), companyRows, days);
    }

    /// <summary>The job, or null when it does not exist or lies outside the caller's companies (the same 404).</summary>
    public async Task<JobRow?> JobAsync(int id, AccessCaller caller, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking().VisibleTo(caller).FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        return job is null ? null : new JobRow(job, (await StripsAsync([job], cancellationToken))[id]);
    }

    /// <summary>Newest first, as `entries list` prints them.</summary>
    public async Task<PageOf<BackupEntry>> EntriesAsync(int jobId, int page, int size, CancellationToken cancellationToken)
    {
        var query = db.Entries.AsNoTracking().Where(e => e.ExpectedJobId == jobId);
        var total = await query.CountAsync(cancellationToken);
        var (number, pages) = Clamp(page, size, total);
        var items = await query.OrderByDescending(e => e.CreatedAtUtc).ThenByDescending(e => e.Id)
            .Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);
        return new PageOf<BackupEntry>(items, number, pages, total);
    }

    /// <summary>The job's newest entry when it is a success that raised a size-drop warning (SPEC §5.1), else null.</summary>
    public async Task<BackupEntry?> SizeDropAsync(int jobId, CancellationToken cancellationToken)
    {
        var latest = await db.Entries.AsNoTracking().Where(e => e.ExpectedJobId == jobId)
            .OrderByDescending(e => e.CreatedAtUtc).ThenByDescending(e => e.Id).FirstOrDefaultAsync(cancellationToken);
        if (latest is not { Status: BackupEntryStatus.Success }) return null;
        return await SizeDropWarnings(db.Notices, latest.Id).AnyAsync(cancellationToken) ? latest : null;
    }

    /// <summary>
    /// The size-drop warning of an entry: the scan's warning (the scan gives no dedupe key; a drill's or retention's
    /// warning always has one), so the (entry, kind) index of the scan's notices finds it. Without `DedupeKey == null`
    /// no index applied: ~235 ms of every job page at 100,000 jobs on PostgreSQL (bench/README, "Issue 22 (fifth session)").
    /// </summary>
    internal static IQueryable<Notice> SizeDropWarnings(IQueryable<Notice> notices, int entryId) =>
        notices.Where(n => n.BackupEntryId == entryId && n.Kind == NoticeKind.Warning && n.DedupeKey == null);

    public async Task<PageOf<Notifications.OutboxRow>> DeliveriesAsync(DeliveryState? state, string? destination, int page, int size, AccessCaller caller,
        CancellationToken cancellationToken)
    {
        var total = await outbox.CountAsync(state, destination, cancellationToken, caller);
        var (number, pages) = Clamp(page, size, total);
        var items = await outbox.ListAsync(state, destination, (number - 1) * size, size, cancellationToken, caller);
        return new PageOf<Notifications.OutboxRow>(items, number, pages, total);
    }

    /// <summary>The strips of the given jobs in one query: four columns of their entries in the strip's window.</summary>
    private async Task<Dictionary<int, IReadOnlyList<StripDay>>> StripsAsync(IReadOnlyList<ExpectedBackupJob> jobs, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var since = HistoryStrip.Since(now);
        var ids = jobs.Select(j => j.Id).ToList();
        var entries = ids.Count == 0 ? [] : await db.Entries.AsNoTracking()
            .Where(e => ids.Contains(e.ExpectedJobId) && (e.AgentReportTimestampUtc ?? e.ExpectedCycleUtc ?? e.CreatedAtUtc) >= since)
            .Select(e => new StripEntry(e.ExpectedJobId, e.AgentReportTimestampUtc ?? e.ExpectedCycleUtc ?? e.CreatedAtUtc, e.Id, e.Status))
            .ToListAsync(cancellationToken);
        var byJob = entries.ToLookup(e => e.JobId);
        var watched = await WatchedAsync(db, ids, cancellationToken);
        return jobs.ToDictionary(j => j.Id, j => HistoryStrip.Build(j, byJob[j.Id], now, watched: Watched(j, watched)));
    }

    /// <summary>The kept watched periods of these jobs (SPEC §12), in one query.</summary>
    internal static async Task<ILookup<int, JobActivePeriod>> WatchedAsync(BackupMonitorDbContext db, IReadOnlyCollection<int> ids, CancellationToken cancellationToken) =>
        ids.Count == 0 ? Array.Empty<JobActivePeriod>().ToLookup(p => p.ExpectedJobId)
            : (await db.JobActivePeriods.AsNoTracking().Where(p => ids.Contains(p.ExpectedJobId)).ToListAsync(cancellationToken)).ToLookup(p => p.ExpectedJobId);

    /// <summary>A job's watched spans for its strip; null (since its last activation) when none were kept for it.</summary>
    internal static IReadOnlyList<Decisions.WatchedPeriod>? Watched(ExpectedBackupJob job, ILookup<int, JobActivePeriod> kept) =>
        kept[job.Id].Any() ? Decisions.Compliance.PeriodsOf(job, kept[job.Id], 0) : null;

    private static List<string> Distinct(IEnumerable<string> values) =>
        values.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();

    private static (int Number, int Pages) Clamp(int page, int size, int total)
    {
        var pages = Math.Max(1, (total + size - 1) / size);
        return (Math.Clamp(page, 1, pages), pages);
    }
}
