using BackupMonitor.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Persistence;

/// <summary>
/// The settings every SQLite connection of the product gets (Persistence/SqlitePragmas). `temp_store=MEMORY` keeps
/// statement journals in memory: each insert that fires the history-counts triggers inside the scan's batch
/// transaction writes one, and on a temporary file that was ~20 pwrite(2) an entry and 40 % of the history
/// ingestion's time (bench/README, "Issue 22 (fourth session)"). SQLite's own settings: the site is on a SQLite file
/// whichever provider the suite runs on.
/// </summary>
public sealed class SqlitePragmasTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bm-pragmas-").FullName;

    [Fact]
    public async Task The_products_connections_keep_statement_journals_in_memory_and_writes_safe()
    {
        await using var site = await TestSite.CreateAsync(new()
        {
            ["DATABASE_PROVIDER"] = "sqlite",
            ["DATABASE_CONNECTION_STRING"] = $"Data Source={Path.Combine(folder, "backupmonitor.db")};Pooling=False",
        });
        await using var scope = site.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitor.Persistence.BackupMonitorDbContext>();
        await db.Database.OpenConnectionAsync();
        try
        {
            Assert.Equal(2L, await PragmaAsync(db, "temp_store")); // MEMORY
            Assert.Equal(1L, await PragmaAsync(db, "synchronous")); // NORMAL, with WAL
            Assert.Equal(1L, await PragmaAsync(db, "foreign_keys"));
            Assert.Equal(30000L, await PragmaAsync(db, "busy_timeout"));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<long> PragmaAsync(DbContext db, string name)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
