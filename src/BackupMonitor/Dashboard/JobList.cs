using System.Linq.Expressions;
using BackupMonitor.Domain;

namespace BackupMonitor.Dashboard;

/// <summary>
/// The overview's filters, search and sort as SQL (EF expressions both providers translate), so a page of 100 rows
/// is read without loading the other thousands. Text compares lower-cased: case-insensitive for ASCII everywhere;
/// SQLite's lower() leaves other letters as they are, so an accented search also matches as typed.
/// </summary>
internal static class JobList
{
    public static IQueryable<ExpectedBackupJob> Filter(IQueryable<ExpectedBackupJob> jobs, JobQuery query)
    {
        if (!query.IncludeInactive) jobs = jobs.Where(j => j.IsActive);
        if (!string.IsNullOrEmpty(query.Company))
        {
            var company = query.Company;
            var lower = company.ToLowerInvariant();
            jobs = jobs.Where(j => j.CompanyName == company || j.CompanyName.ToLower() == lower);
        }
        if (!string.IsNullOrEmpty(query.City))
        {
            var city = query.City;
            var lower = city.ToLowerInvariant();
            jobs = jobs.Where(j => j.City == city || j.City.ToLower() == lower);
        }
        if (query.WantedStatus is { } status) jobs = jobs.Where(j => j.CurrentStatus == status);
        if (query.Search?.Trim() is { Length: > 0 } text)
        {
            var lower = text.ToLowerInvariant();
            jobs = jobs.Where(j =>
                j.CompanyName.ToLower().Contains(lower) || j.City.ToLower().Contains(lower) || j.Neighborhood.ToLower().Contains(lower)
                || j.DatabaseName.ToLower().Contains(lower) || j.AgentIdResponsible.ToLower().Contains(lower)
                || j.CompanyName.Contains(text) || j.City.Contains(text) || j.Neighborhood.Contains(text)
                || j.DatabaseName.Contains(text) || j.AgentIdResponsible.Contains(text));
        }
        return jobs;
    }

    /// <summary>The chosen column, then company, city, neighborhood, database and id, so pages never overlap.</summary>
    public static IOrderedQueryable<ExpectedBackupJob> Sort(IQueryable<ExpectedBackupJob> jobs, JobQuery query)
    {
        var d = query.Descending;
        // The default puts what needs attention first: failures, then unknown, then ok, newest failure first; deactivated jobs last.
        IOrderedQueryable<ExpectedBackupJob> sorted = query.SortKey switch
        {
            "company" => By(jobs, j => j.CompanyName.ToLower(), d),
            "city" => By(jobs, j => j.City.ToLower(), d),
            "neighborhood" => By(jobs, j => j.Neighborhood.ToLower(), d),
            "database" => By(jobs, j => j.DatabaseName.ToLower(), d),
            "agent" => By(jobs, j => j.AgentIdResponsible.ToLower(), d),
            "status" => By(jobs, AttentionRank, d).ThenBy(j => j.CurrentStatus),
            // Nulls ("never") sort as the oldest on both providers (SQLite and PostgreSQL disagree by default).
            "last_success" => By(jobs, j => j.LastSuccessfulBackupUtc == null ? 0 : 1, d).Then(j => j.LastSuccessfulBackupUtc, d),
            "last_failure" => By(jobs, j => j.LastFailedBackupUtc == null ? 0 : 1, d).Then(j => j.LastFailedBackupUtc, d),
            "expected" => By(jobs, j => j.ExpectedHourUtc * 60 + j.ExpectedMinuteUtc, d),
            _ => jobs.OrderBy(j => j.IsActive ? 0 : 1).ThenBy(AttentionRank)
                .ThenBy(j => j.LastFailedBackupUtc == null ? 1 : 0).ThenByDescending(j => j.LastFailedBackupUtc),
        };
        return sorted.ThenBy(j => j.CompanyName.ToLower()).ThenBy(j => j.City.ToLower())
            .ThenBy(j => j.Neighborhood.ToLower()).ThenBy(j => j.DatabaseName.ToLower()).ThenBy(j => j.Id);
    }

    /// <summary><see cref="StatusStyle.AttentionRank"/> in SQL: 0 for failures, 1 for unknown, 2 for ok.</summary>
    private static readonly Expression<Func<ExpectedBackupJob, int>> AttentionRank =
        j => j.CurrentStatus == JobStatus.Ok ? 2 : j.CurrentStatus == JobStatus.Unknown ? 1 : 0;

    private static IOrderedQueryable<ExpectedBackupJob> By<TKey>(IQueryable<ExpectedBackupJob> jobs, Expression<Func<ExpectedBackupJob, TKey>> key, bool descending) =>
        descending ? jobs.OrderByDescending(key) : jobs.OrderBy(key);

    private static IOrderedQueryable<ExpectedBackupJob> Then<TKey>(this IOrderedQueryable<ExpectedBackupJob> jobs, Expression<Func<ExpectedBackupJob, TKey>> key, bool descending) =>
        descending ? jobs.ThenByDescending(key) : jobs.ThenBy(key);
}
