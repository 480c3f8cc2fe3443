using BackupMonitor.Security;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Dashboard;

/// <summary>One company of the overview's table: its active jobs, how many fail, its newest verified backup, 30-day compliance.</summary>
public sealed record CompanyRow(string Company, int Jobs, int Failing, DateTime? LastVerifiedUtc, int VerifiedCycles, int ExpectedCycles)
{
    public double? Percent => ExpectedCycles == 0 ? null : 100.0 * VerifiedCycles / ExpectedCycles;

    public static readonly IReadOnlyList<string> SortKeys = ["company", "jobs", "failing", "last_verified", "compliance"];

    /// <summary>
    /// Companies a page of the overview's table: at 2,000 companies the whole table alone weighed ~1.4 MiB of the
    /// overview (issue 22's budget is 1 MiB a page); worst first by default, so the first page is what needs attention.
    /// </summary>
    public const int PageSize = 50;

    /// <summary>One page of the table, sorted over all the companies first (the rows are per-company aggregates, already read).</summary>
    public static PageOf<CompanyRow> Page(IReadOnlyList<CompanyRow> rows, string? key, bool descending, int page)
    {
        var pages = Math.Max(1, (rows.Count + PageSize - 1) / PageSize);
        var number = Math.Clamp(page, 1, pages);
        return new PageOf<CompanyRow>(Sort(rows, key, descending).Skip((number - 1) * PageSize).Take(PageSize).ToList(), number, pages, rows.Count);
    }

    /// <summary>Worst first by default: most failing jobs, then lowest compliance.</summary>
    public static IEnumerable<CompanyRow> Sort(IEnumerable<CompanyRow> rows, string? key, bool descending)
    {
        IOrderedEnumerable<CompanyRow> sorted = key switch
        {
            "company" => descending ? rows.OrderByDescending(r => r.Company, StringComparer.OrdinalIgnoreCase) : rows.OrderBy(r => r.Company, StringComparer.OrdinalIgnoreCase),
            "jobs" => descending ? rows.OrderByDescending(r => r.Jobs) : rows.OrderBy(r => r.Jobs),
            "last_verified" => descending ? rows.OrderByDescending(r => r.LastVerifiedUtc) : rows.OrderBy(r => r.LastVerifiedUtc),
            "compliance" => descending ? rows.OrderByDescending(r => r.Percent ?? -1) : rows.OrderBy(r => r.Percent ?? -1),
            "failing" => descending ? rows.OrderByDescending(r => r.Failing) : rows.OrderBy(r => r.Failing),
            _ => rows.OrderByDescending(r => r.Failing).ThenBy(r => r.Percent ?? -1),
        };
        return sorted.ThenBy(r => r.Company, StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>Per-company figures for the overview, from aggregate queries over the whole estate.</summary>
public sealed class CompanyBoard(BackupMonitorDbContext db, TimeProvider time, CompanyComplianceCache cache, ComplianceStore store, Configuration.ScanOptions scan)
{
    /// <summary>
    /// Jobs, failing jobs and newest verified backup per company, grouped in SQL (fresh: they match the tiles);
    /// and each company's verified and due cycles over 30 days, computed at most once a minute.
    /// </summary>
    public async Task<IReadOnlyList<CompanyRow>> TableAsync(AccessCaller caller, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var groups = await ActiveJobs().VisibleTo(caller).GroupBy(j => new { j.CompanyName, j.CurrentStatus })
            .Select(g => new { g.Key.CompanyName, g.Key.CurrentStatus, Jobs = g.Count(), LastVerified = g.Max(j => j.LastSuccessfulBackupUtc) })
            .ToListAsync(cancellationToken);
        var compliance = await cache.GetAsync(now, services => services.GetRequiredService<CompanyBoard>().ComplianceAsync(now, CancellationToken.None));
        return groups.GroupBy(g => g.CompanyName, StringComparer.Ordinal).Select(company =>
        {
            var (verified, expected) = compliance.GetValueOrDefault(company.Key);
            return new CompanyRow(company.Key, company.Sum(g => g.Jobs), company.Where(g => g.CurrentStatus.IsFailure()).Sum(g => g.Jobs),
                company.Max(g => g.LastVerified), verified, expected);
        }).ToList();
    }

    /// <summary>
    /// Each company's verified and owed cycles over 30 days, by the one computation of the monthly report
    /// (<see cref="Compliance.Cycles"/>): only success entries are read (an index range), excluded cycles are not owed.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, (int Verified, int Expected)>> ComplianceAsync(DateTime now, CancellationToken cancellationToken)
    {
        var perJob = await CyclesAsync(now, null, cancellationToken);
        return perJob.GroupBy(j => j.Job.CompanyName, StringComparer.Ordinal).ToDictionary(g => g.Key, g =>
        {
            var counts = ComplianceCounts.Sum(g.Select(j => ComplianceCounts.Of(j.Cycles)));
            return (counts.Success, counts.Expected - counts.Excluded);
        }, StringComparer.Ordinal);
    }

    /// <summary>One company's last 30 days, day by day (a cycle's UTC day), from the same computation; nothing for a company outside the caller's.</summary>
    public async Task<IReadOnlyList<ComplianceDay>> DailyAsync(string company, AccessCaller caller, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var lower = company.ToLowerInvariant();
        var ids = await ActiveJobs().VisibleTo(caller).Where(j => j.CompanyName == company || j.CompanyName.ToLower() == lower).Select(j => j.Id).ToListAsync(cancellationToken);
        if (ids.Count == 0) return Compliance.Daily([], now);
        var perJob = await CyclesAsync(now, ids, cancellationToken);
        return Compliance.Daily(perJob.Select(j => j.Cycles), now);
    }

    /// <summary>The active jobs' decided cycles of the 30-day window.</summary>
    private async Task<List<(ExpectedBackupJob Job, IReadOnlyList<JobCycle> Cycles)>> CyclesAsync(DateTime now, IReadOnlyCollection<int>? ids, CancellationToken cancellationToken)
    {
        var (from, to) = Compliance.Window(now);
        var facts = await store.FactsAsync(from, to, scan.MissingGraceMinutes, jobIds: ids, successesOnly: true, cancellationToken: cancellationToken);
        var windows = await store.WindowsAsync(cancellationToken);
        return facts.Where(f => f.Job.IsActive).Select(f => (f.Job, Compliance.Cycles(f, windows, from, to, now))).ToList();
    }

    private IQueryable<ExpectedBackupJob> ActiveJobs() => db.Jobs.AsNoTracking().Where(j => j.IsActive);
}

/// <summary>
/// Each company's verified and due cycles over 30 days, shared by every request for <see cref="Lifetime"/>: the
/// overview refreshes every minute, a month's compliance does not move in a minute, and computing it reads an
/// index range of every job's month and every job (about 100 ms at 5,000 jobs × 180 days on SQLite here).
/// </summary>
public sealed class CompanyComplianceCache(IServiceScopeFactory scopes) : SharedFigure<IReadOnlyDictionary<string, (int Verified, int Expected)>>(Lifetime, scopes)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
}
