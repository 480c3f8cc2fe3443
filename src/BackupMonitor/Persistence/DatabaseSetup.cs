using BackupMonitor.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Persistence;

/// <summary>Registers the provider chosen by DATABASE_PROVIDER; nothing provider-specific lives outside this folder.</summary>
public static class DatabaseSetup
{
    /// <summary>
    /// Microsoft.Data.Sqlite prepares and binds a command's statements one by one against all its parameters:
    /// a scan batch's hundreds of rows in one command saved about half as fast as in commands of 8 (bench/).
    /// </summary>
    private const int SqliteStatementsPerCommand = 8;

    public static IServiceCollection AddBackupMonitorDatabase(this IServiceCollection services, DatabaseOptions options)
    {
        if (options.Provider == DatabaseProvider.Postgres)
        {
            services.AddDbContext<BackupMonitorDbContext, PostgresBackupMonitorDbContext>(
                o => o.UseNpgsql(options.ConnectionString).ConfigureWarnings(QuietMigrations), ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        }
        else
        {
            EnsureSqliteFolder(options.ConnectionString);
            services.AddDbContext<BackupMonitorDbContext, SqliteBackupMonitorDbContext>(
                o => o.UseSqlite(options.ConnectionString, sqlite => sqlite.MaxBatchSize(SqliteStatementsPerCommand)).AddInterceptors(new SqlitePragmas())
                    .ConfigureWarnings(w => QuietMigrations(w.Ignore(SqliteEventId.TableRebuildPendingWarning))), ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        }
        // The claims processes sharing the database take on agents and deliveries: one owner identity per process.
        services.AddSingleton<ClaimOwner>();
        services.AddScoped<Claims>();
        services.AddScoped<AgentLeases>();
        services.AddScoped<DeliveryClaims>();
        services.AddScoped<DeliveryStore>();
        return services;
    }

    /// <summary>
    /// A migration step that runs outside the migration's transaction (SQLite's `PRAGMA foreign_keys`, PostgreSQL's
    /// `CREATE INDEX CONCURRENTLY`), or hand-written SQL after a SQLite table rebuild, is written that way on purpose
    /// and tested on both providers: EF's warnings about them would print on every fresh database, on stderr of
    /// commands (`serve` without a key included) whose output is read by people and scripts.
    /// </summary>
    private static void QuietMigrations(Microsoft.EntityFrameworkCore.Diagnostics.WarningsConfigurationBuilder warnings) =>
        warnings.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.NonTransactionalMigrationOperationWarning);

    /// <summary>
    /// Creates or upgrades the schema; every command calls this first. When nothing is pending (the usual case)
    /// it only reads the history table: MigrateAsync would take EF's migration lock (`__EFMigrationsLock`) and
    /// cost start-up time on every command, and a lock left by a process killed mid-migration would hang them all.
    /// </summary>
    public static async Task MigrateAsync(this BackupMonitorDbContext db, CancellationToken cancellationToken = default)
    {
        if (await HasPendingMigrationsAsync(db, cancellationToken))
            await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers (API, dashboard) work while a scan writes.
            await using var command = db.Command("PRAGMA journal_mode=WAL;");
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Compares the migrations in this assembly with the history table's rows, read with one SELECT. (EF's own
    /// GetPendingMigrationsAsync builds a model for the history table first: about 0.1 s of every command.)
    /// </summary>
    private static async Task<bool> HasPendingMigrationsAsync(BackupMonitorDbContext db, CancellationToken cancellationToken)
    {
        var known = db.GetService<IMigrationsAssembly>().Migrations.Keys;
        var applied = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var select = db.Command($"SELECT {RawSql.Quote("MigrationId")} FROM {RawSql.Quote(HistoryRepository.DefaultTableName)}");
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetString(0));
        }
        catch (System.Data.Common.DbException)
        {
            return true; // no history table yet, or a PostgreSQL database that does not exist yet: MigrateAsync creates it
        }
        return known.Any(id => !applied.Contains(id));
    }

    private static void EnsureSqliteFolder(string connectionString)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:" && folder is not null)
            Directory.CreateDirectory(folder);
    }
}

/// <summary>Used by `dotnet ef` only.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteBackupMonitorDbContext>
{
    public SqliteBackupMonitorDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteBackupMonitorDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Used by `dotnet ef` only.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresBackupMonitorDbContext>
{
    public PostgresBackupMonitorDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresBackupMonitorDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
