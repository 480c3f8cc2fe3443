using BackupMonitor.Configuration;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Persistence;

/// <summary>The `Quieting` migration keeps jobs and the outbox as they were: nothing acknowledged, no digest, no window.</summary>
public sealed class QuietingMigrationTests
{
    [Fact]
    public async Task A_failing_job_and_its_delivery_saved_before_quieting_existed_migrate_unacknowledged_and_undigested()
    {
        var root = TestSite.NewTempFolder();
        try
        {
            var values = TestDatabase.Settings(root);
            values["BACKUP_ROOT"] = root;
            var settings = Settings.From(Settings.BuildConfiguration(values, environment: new Dictionary<string, string?>()));
            settings.Storage.EnsureStorageAreas();
            await using var services = new ServiceCollection().AddLogging().AddBackupMonitorCore(settings, TimeProvider.System).BuildServiceProvider();
            var created = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
                var migrations = db.Database.GetMigrations().ToList();
                var before = migrations[migrations.FindIndex(m => m.EndsWith("_Quieting", StringComparison.Ordinal)) - 1];
                await db.GetService<IMigrator>().MigrateAsync(before);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO expected_backup_jobs (company_name, city, neighborhood, database_name, agent_id_responsible,
                        expected_hour_utc, expected_minute_utc, grace_minutes, is_active, current_status, created_at_utc, time_zone)
                    VALUES ({"ACME"}, {"Paris"}, {"Centre"}, {"sales"}, {"ACME_Paris_Centre"}, {23}, {30}, {45}, {true}, {"failed"}, {created}, {"UTC"})
                    """);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO backup_entries (expected_job_id, status, expected_cycle_utc, created_at_utc)
                    VALUES ({1}, {"missing"}, {created}, {created})
                    """);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO notices (backup_entry_id, expected_job_id, kind, job_status, previous_job_status, created_at_utc)
                    VALUES ({1}, {1}, {"alert"}, {"missing"}, {"ok"}, {created})
                    """);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO deliveries (notice_id, destination, state, attempts, created_at_utc, sent_at_utc)
                    VALUES ({1}, {"admins"}, {"sent"}, {1}, {created}, {created})
                    """);
            }
            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
                await db.MigrateAsync();
                var job = await db.Jobs.AsNoTracking().SingleAsync();
                Assert.Equal((JobStatus.Failed, (DateTime?)null), (job.CurrentStatus, job.AcknowledgedAtUtc));
                var delivery = await db.Deliveries.AsNoTracking().SingleAsync();
                Assert.Equal((DeliveryState.Sent, (int?)null, (int?)null), (delivery.State, delivery.DigestId, delivery.SuppressedByWindowId));
                Assert.Empty(await db.Digests.ToListAsync());
                Assert.Empty(await db.MaintenanceWindows.ToListAsync());
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            TestSite.DeleteFolder(root);
        }
    }
}
