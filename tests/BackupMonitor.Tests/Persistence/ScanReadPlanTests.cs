using System.Text.RegularExpressions;
using BackupMonitor.Persistence;
using BackupMonitor.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Persistence;

/// <summary>
/// The scan's reads of history for a batch of jobs look each job up on an index keyed by the job, so a scan costs
/// the same whatever the history holds. Before: the entry times since the cover window read the whole entries table
/// (an OR over two columns), and the last sizes went through the status index (every success of every job): a
/// 6-minute soak of `serve` saw each scan slow from 1 s to 4.6 s as the history grew to 340,000 entries
/// (bench/README, "Issue 22 (fifth session)"). Checked on SQLite's query plans, with the SQL the store really runs
/// (captured from the connection); a SQLite file whichever provider the suite runs on, since the plans are SQLite's.
/// </summary>
public sealed partial class ScanReadPlanTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bm-plans-").FullName;

    [Fact]
    public async Task Every_read_of_history_in_a_scan_searches_by_job_and_none_reads_the_whole_table()
    {
        await using var site = await TestSite.CreateAsync(new()
        {
            ["DATABASE_PROVIDER"] = "sqlite",
            ["DATABASE_CONNECTION_STRING"] = $"Data Source={Path.Combine(folder, "backupmonitor.db")};Pooling=False",
        });
        await using var scope = site.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<ScanStore>();
        await db.Database.OpenConnectionAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var statements = new List<string>();
        SQLitePCL.raw.sqlite3_profile(connection.Handle, (_, sql, _) => statements.Add(sql.utf8_to_string()), null);
        try
        {
            int[] jobs = [1, 2, 3];
            var now = site.Time.GetUtcNow().UtcDateTime;
            await store.NewestEntryTimesAsync(jobs, CancellationToken.None);
            await store.RecentSuccessSizesAsync(jobs, 7, CancellationToken.None);
            await store.EntryTimesSinceAsync(jobs, now.AddDays(-2), CancellationToken.None);
            await store.EntriesReportedAsync(jobs, now.AddHours(-1), now, CancellationToken.None);
        }
        finally
        {
            SQLitePCL.raw.sqlite3_profile(connection.Handle, (SQLitePCL.delegate_profile?)null, null);
        }

        var reads = statements.Where(s => s.Contains("\"backup_entries\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, reads.Count);
        foreach (var sql in reads)
        {
            var plan = await PlanAsync(connection, sql);
            Assert.True(plan.Count > 0, sql);
            foreach (var step in plan)
            {
                // A SCAN is a whole table (or index) read; only the batch's own list of job ids may be scanned.
                if (step.StartsWith("SCAN ", StringComparison.Ordinal)) Assert.True(step.Contains("VIRTUAL TABLE", StringComparison.Ordinal), $"{step}\nin: {sql}");
                // A search of the entries goes by job (or by row id, for rows a search by job found).
                if (step.StartsWith("SEARCH ", StringComparison.Ordinal)) Assert.True(KeyedByJob().IsMatch(step), $"{step}\nin: {sql}");
            }
        }
    }

    /// <summary>EXPLAIN QUERY PLAN's steps for a statement as the store wrote it (its parameters unbound: NULL).</summary>
    private static async Task<List<string>> PlanAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in Parameter().Matches(sql).Select(m => m.Value).Distinct()) command.Parameters.AddWithValue(name, DBNull.Value);
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) steps.Add(reader.GetString(3));
        return steps;
    }

    [GeneratedRegex(@"@\w+")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"\((expected_job_id|rowid)=\?")]
    private static partial Regex KeyedByJob();

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
