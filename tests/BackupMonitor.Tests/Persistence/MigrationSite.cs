using BackupMonitor.Hosting;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Persistence;

/// <summary>
/// A fresh database on the suite's provider for upgrade tests: rows written as they were just before a named
/// migration, then every migration applied, then the rows read back as the program sees them.
/// </summary>
public sealed class MigrationSite : IAsyncDisposable
{
    private readonly string root = TestSite.NewTempFolder();
    private readonly ServiceProvider services;

    public MigrationSite()
    {
        var settings = TestSettings.Parse(TestSettings.For(root));
        settings.Storage.EnsureStorageAreas();
        services = new ServiceCollection().AddLogging().AddBackupMonitorCore(settings, TestClock.New()).BuildServiceProvider();
    }

    /// <summary>Migrates up to the migration before the one named <paramref name="migration"/>, then runs <paramref name="seed"/> there.</summary>
    public async Task BeforeAsync(string migration, Func<BackupMonitorDbContext, Task> seed)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        var migrations = db.Database.GetMigrations().ToList();
        var before = migrations[migrations.FindIndex(m => m.EndsWith("_" + migration, StringComparison.Ordinal)) - 1];
        await db.GetService<IMigrator>().MigrateAsync(before);
        await seed(db);
    }

    /// <summary>Applies every migration, then runs <paramref name="check"/> on the upgraded database.</summary>
    public async Task AfterAsync(Func<BackupMonitorDbContext, Task> check)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        await db.MigrateAsync();
        await check(db);
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        TestSite.DeleteFolder(root);
    }
}
