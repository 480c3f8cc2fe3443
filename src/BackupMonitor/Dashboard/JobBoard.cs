using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Dashboard;

/// <summary>The overview's state, all of it in the query string so that the minute refresh and links keep it.</summary>
public sealed record JobQuery(string? Company, string? City, string? Status, string? Search, string? Sort, bool Descending, bool IncludeInactive)
{
    public const string AttentionSort = "attention";

    public static readonly IReadOnlyList<string> SortKeys =
        [AttentionSort, "company", "city", "neighborhood", "database", "agent", "status", "last_success", "last_failure", "expected"];

    public string SortKey => Sort is { } s && SortKeys.Contains(s) ? s : AttentionSort;

    public JobStatus? WantedStatus => StatusNames.TryParseJobStatus(Status, out var status) ? status : null;
}

public sealed record JobRow(ExpectedBackupJob Job, IReadOnlyList<StripDay> Strip);

public sealed record OverviewData(
    IReadOnlyDictionary<JobStatus, int> Counts, ScanRun? LastScan, IReadOnlyList<JobRow> Rows, int ActiveJobs,
    IReadOnlyList<string> Companies, IReadOnlyList<string> Cities);

public sealed record PageOf<T>(IReadOnlyList<T> Items, int Number, int Pages, int Total);

/// <summary>What the dashboard's pages read: jobs filtered and sorted, their history strips, entries and the outbox.</summary>
public sealed class JobBoard(BackupMonitorDbContext db, Notifications.OutboxQuery outbox, TimeProvider time)
{
    public async Task<OverviewData> OverviewAsync(JobQuery query, CancellationToken cancellationToken)
    {
        // Filtering, search and sorting happen here rather than in SQL: the same case-insensitive rules on SQLite
        // and PostgreSQL, for the few thousand jobs one server watches at most.
        var jobs = await db.Jobs.AsNoTracking().ToListAsync(cancellationToken);
        var active = jobs.Where(j => j.IsActive).ToList();
        var counts = StatusStyle.TileOrder.ToDictionary(s => s, s => active.Count(j => j.CurrentStatus == s));
        var lastScan = await db.ScanRuns.AsNoTracking().OrderByDescending(r => r.FinishedAtUtc).ThenByDescending(r => r.Id)
            .FirstOrDefaultAsync(cancellationToken);

        var shown = Sort(Filter(query.IncludeInactive ? jobs : active, query), query).ToList();
        var strips = await StripsAsync(shown, cancellationToken);
        return new OverviewData(counts, lastScan, shown.Select(j => new JobRow(j, strips[j.Id])).ToList(), active.Count,
            Distinct(jobs.Select(j => j.CompanyName)), Distinct(jobs.Select(j => j.City)));
    }

    public async Task<JobRow?> JobAsync(int id, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
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
        return await db.Notices.AnyAsync(n => n.BackupEntryId == latest.Id && n.Kind == NoticeKind.Warning, cancellationToken) ? latest : null;
    }

    public async Task<PageOf<Notifications.OutboxRow>> DeliveriesAsync(DeliveryState? state, string? destination, int page, int size, CancellationToken cancellationToken)
    {
        var total = await outbox.CountAsync(state, destination, cancellationToken);
        var (number, pages) = Clamp(page, size, total);
        var items = await outbox.ListAsync(state, destination, (number - 1) * size, size, cancellationToken);
        return new PageOf<Notifications.OutboxRow>(items, number, pages, total);
    }

    private async Task<Dictionary<int, IReadOnlyList<StripDay>>> StripsAsync(IReadOnlyList<ExpectedBackupJob> jobs, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var since = HistoryStrip.Since(now);
        var ids = jobs.Select(j => j.Id).ToList();
        var entries = await db.Entries.AsNoTracking()
            .Where(e => ids.Contains(e.ExpectedJobId)
                && (e.CreatedAtUtc >= since || e.AgentReportTimestampUtc >= since || e.ExpectedCycleUtc >= since))
            .Select(e => new { e.ExpectedJobId, e.Id, e.Status, e.AgentReportTimestampUtc, e.ExpectedCycleUtc, e.CreatedAtUtc })
            .ToListAsync(cancellationToken);
        var byJob = entries
            .Select(e => new StripEntry(e.ExpectedJobId, e.AgentReportTimestampUtc ?? e.ExpectedCycleUtc ?? e.CreatedAtUtc, e.Id, e.Status))
            .ToLookup(e => e.JobId);
        return jobs.ToDictionary(j => j.Id, j => HistoryStrip.Build(j, byJob[j.Id], now));
    }

    internal static IEnumerable<ExpectedBackupJob> Filter(IEnumerable<ExpectedBackupJob> jobs, JobQuery query)
    {
        if (!string.IsNullOrEmpty(query.Company)) jobs = jobs.Where(j => string.Equals(j.CompanyName, query.Company, StringComparison.OrdinalIgnoreCase));
        if (!string.IsNullOrEmpty(query.City)) jobs = jobs.Where(j => string.Equals(j.City, query.City, StringComparison.OrdinalIgnoreCase));
        if (query.WantedStatus is { } status) jobs = jobs.Where(j => j.CurrentStatus == status);
        if (query.Search?.Trim() is { Length: > 0 } text)
        {
            jobs = jobs.Where(j => new[] { j.CompanyName, j.City, j.Neighborhood, j.DatabaseName, j.AgentIdResponsible }
                .Any(field => field.Contains(text, StringComparison.OrdinalIgnoreCase)));
        }
        return jobs;
    }

    internal static IEnumerable<ExpectedBackupJob> Sort(IEnumerable<ExpectedBackupJob> jobs, JobQuery query)
    {
        // The default puts what needs attention first: failures, then unknown, then ok; deactivated jobs last.
        IOrderedEnumerable<ExpectedBackupJob> sorted = query.SortKey switch
        {
            "company" => By(jobs, j => j.CompanyName, query.Descending),
            "city" => By(jobs, j => j.City, query.Descending),
            "neighborhood" => By(jobs, j => j.Neighborhood, query.Descending),
            "database" => By(jobs, j => j.DatabaseName, query.Descending),
            "agent" => By(jobs, j => j.AgentIdResponsible, query.Descending),
            "status" => By(jobs, j => StatusStyle.AttentionRank(j.CurrentStatus), query.Descending).ThenBy(j => j.CurrentStatus.ToWire(), StringComparer.Ordinal),
            "last_success" => By(jobs, j => j.LastSuccessfulBackupUtc, query.Descending),
            "last_failure" => By(jobs, j => j.LastFailedBackupUtc, query.Descending),
            "expected" => By(jobs, j => j.ScheduleExpression is null ? j.ExpectedHourUtc * 60 + j.ExpectedMinuteUtc : 24 * 60, query.Descending)
                .ThenBy(j => j.ScheduleExpression, StringComparer.Ordinal),
            _ => jobs.OrderBy(j => !j.IsActive).ThenBy(j => StatusStyle.AttentionRank(j.CurrentStatus))
                .ThenByDescending(j => j.LastFailedBackupUtc),
        };
        return sorted.ThenBy(j => j.CompanyName, StringComparer.OrdinalIgnoreCase).ThenBy(j => j.City, StringComparer.OrdinalIgnoreCase)
            .ThenBy(j => j.Neighborhood, StringComparer.OrdinalIgnoreCase).ThenBy(j => j.DatabaseName, StringComparer.OrdinalIgnoreCase)
            .ThenBy(j => j.Id);
    }

    private static IOrderedEnumerable<ExpectedBackupJob> By<TKey>(IEnumerable<ExpectedBackupJob> jobs, Func<ExpectedBackupJob, TKey> key, bool descending)
    {
        var comparer = typeof(TKey) == typeof(string) ? (IComparer<TKey>)StringComparer.OrdinalIgnoreCase : Comparer<TKey>.Default;
        return descending ? jobs.OrderByDescending(key, comparer) : jobs.OrderBy(key, comparer);
    }

    private static List<string> Distinct(IEnumerable<string> values) =>
        values.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();

    private static (int Number, int Pages) Clamp(int page, int size, int total)
    {
        var pages = Math.Max(1, (total + size - 1) / size);
        return (Math.Clamp(page, 1, pages), pages);
    }
}
