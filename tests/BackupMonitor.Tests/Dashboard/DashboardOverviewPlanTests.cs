using System.Text.RegularExpressions;
using BackupMonitor.Dashboard;
using BackupMonitor.Persistence;
using BackupMonitor.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>
/// The dashboard's reads at scale go through indexes, on the suite's database: the overview's default order (needs
/// attention first) reads its page of 100 jobs from the first entries of its index instead of sorting every job
/// (~270 ms → 3 ms at 100,000 jobs on PostgreSQL: bench/README, "Issue 22 (fifth session)"); one company's page and
/// count find its jobs by index; the job page's size-drop check finds the entry's warning by index. The indexes'
/// expressions (Persistence/JobAttentionIndex, JobCompanyIndex) must be the ones EF writes; these fail when either
/// side changes alone. PostgreSQL is told to avoid sequential scans (and sorts, for the default order), so a table of
/// a few rows shows the plan it would choose for a large one.
/// </summary>
public sealed partial class DashboardOverviewPlanTests
{
    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 30)]
    [InlineData(true, 1)]
    public async Task The_default_order_reads_its_page_from_the_attention_index(bool includeInactive, int page)
    {
        await using var site = await TestSite.CreateAsync();
        await using var scope = site.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        var query = new JobQuery(null, null, null, null, null, false, includeInactive, page);
        var ids = JobList.Sort(JobList.Filter(db.Jobs.AsNoTracking(), query), query)
            .Skip((page - 1) * JobQuery.PageSize).Take(JobQuery.PageSize).Select(j => j.Id);

        var plan = await PlanAsync(db, ids.ToQueryString());

        Assert.Contains(JobAttentionIndex.Name, plan);
        Assert.DoesNotMatch(SortStep(), plan);
    }

    [Fact]
    public async Task One_companys_page_and_count_find_its_jobs_by_index()
    {
        await using var site = await TestSite.CreateAsync();
        await using var scope = site.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        var query = new JobQuery("Acme", null, null, null, null, false, false, 1);
        var filtered = JobList.Filter(db.Jobs.AsNoTracking(), query);
        var page = JobList.Sort(filtered, query).Take(JobQuery.PageSize).Select(j => j.Id);
        var count = filtered.Select(j => j.Id);

        foreach (var sql in new[] { page.ToQueryString(), count.ToQueryString() })
        {
            // Sorting one company's few jobs is cheap: PostgreSQL may sort here, it must not read every job.
            var plan = await PlanAsync(db, sql, avoidSorts: false);
            Assert.Contains(JobCompanyIndex.Name, plan);
            Assert.DoesNotMatch(WholeTable(), plan);
        }
    }

    [Fact]
    public async Task The_job_pages_size_drop_check_finds_the_entrys_warning_by_index()
    {
        await using var site = await TestSite.CreateAsync();
        await using var scope = site.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();

        var plan = await PlanAsync(db, JobBoard.SizeDropWarnings(db.Notices.AsNoTracking(), 42).Select(n => n.Id).ToQueryString(), avoidSorts: false);

        Assert.Contains("ix_notices_backup_entry_id_kind", plan);
        Assert.DoesNotMatch(WholeTable(), plan);
    }

    /// <summary>The database's plan for EF's SQL, with its parameters' values written in.</summary>
    private static async Task<string> PlanAsync(BackupMonitorDbContext db, string queryString, bool avoidSorts = true)
    {
        // ToQueryString declares the parameters first: `-- @p='100'` (Npgsql) or `.param set @p 100` (SQLite).
        var lines = queryString.Split('\n');
        var values = lines.Select(l => Declared().Match(l)).Where(m => m.Success)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["quoted"].Success ? $"'{m.Groups["quoted"].Value}'" : m.Groups["literal"].Value.Trim());
        var sql = string.Join('\n', lines.Where(l => !l.StartsWith("--", StringComparison.Ordinal) && !l.StartsWith(".param", StringComparison.Ordinal)));
        sql = Parameter().Replace(sql, m => values[m.Value]);
        var postgres = db.Database.IsNpgsql();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            if (postgres) await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_seqscan = off");
            if (postgres && avoidSorts) await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_sort = off; SET LOCAL enable_incremental_sort = off");
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = transaction.GetDbTransaction();
            command.CommandText = (postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + sql;
            var steps = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync()) steps.Add(reader.GetString(postgres ? 0 : 3));
            return string.Join('\n', steps);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>A read of every row: PostgreSQL's sequential scan, SQLite's SCAN of the table.</summary>
    [GeneratedRegex(@"Seq Scan|^SCAN [a-z]\b", RegexOptions.Multiline)]
    private static partial Regex WholeTable();

    [GeneratedRegex(@"@\w+")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"^(?:-- (?<name>@\w+)='(?<quoted>[^']*)'|\.param set (?<name>@\w+) (?<literal>.+))")]
    private static partial Regex Declared();

    /// <summary>A sort step: PostgreSQL's `Sort` node, SQLite's temporary B-tree for the ORDER BY.</summary>
    [GeneratedRegex(@"(^|\s|>)Sort\b|TEMP B-TREE FOR ORDER BY", RegexOptions.Multiline)]
    private static partial Regex SortStep();
}
