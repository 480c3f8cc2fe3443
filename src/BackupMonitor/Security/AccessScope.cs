using BackupMonitor.Decisions;
using BackupMonitor.Domain;

namespace BackupMonitor.Security;

/// <summary>
/// Scoped reads in SQL: every job query a caller can see goes through <see cref="VisibleTo(IQueryable{ExpectedBackupJob}, AccessCaller?)"/>,
/// which adds `company_name IN (…)` for a key limited to companies (and nothing for one that is not), so a page
/// reads only the rows it may show and costs what it costs an admin.
/// </summary>
public static class AccessScope
{
    public static IQueryable<ExpectedBackupJob> VisibleTo(this IQueryable<ExpectedBackupJob> jobs, AccessCaller? caller)
    {
        if (caller is null || !caller.IsScoped) return jobs;
        var companies = caller.Companies.ToList();
        return jobs.Where(j => companies.Contains(j.CompanyName));
    }

    /// <summary>Entries of visible jobs only (a subquery on the jobs' companies).</summary>
    public static IQueryable<BackupEntry> VisibleTo(this IQueryable<BackupEntry> entries, IQueryable<ExpectedBackupJob> jobs, AccessCaller? caller)
    {
        if (caller is null || !caller.IsScoped) return entries;
        var visible = jobs.VisibleTo(caller).Select(j => j.Id);
        return entries.Where(e => visible.Contains(e.ExpectedJobId));
    }
}
