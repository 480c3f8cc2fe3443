using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Persistence;

/// <summary>The `Schedules` migration keeps every existing daily job as it was: same UTC time, zone `UTC`, no schedule.</summary>
public sealed class ScheduleMigrationTests
{
    [Fact]
    public async Task A_daily_job_saved_before_schedules_existed_migrates_to_a_daily_utc_schedule()
    {
        var root = TestSite.NewTempFolder();
        try
        {
            var values = TestDatabase.Settings(root);
            values["BACKUP_ROOT"] = root;
            var settings = Settings.From(Settings.BuildConfiguration(values, environment: new Dictionary<string, string?>()));
            settings.Storage.EnsureStorageAreas();
            await using var services = new ServiceCollection().AddLogging().AddBackupMonitorCore(settings, TimeProvider.System).BuildServiceProvider();

            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
                var migrations = db.Database.GetMigrations().ToList();
                var before = migrations[migrations.FindIndex(m => m.EndsWith("_Schedules", StringComparison.Ordinal)) - 1];
                await db.GetService<IMigrator>().MigrateAsync(before);
                var created = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO expected_backup_jobs (company_name, city, neighborhood, database_name, agent_id_responsible,
                        expected_hour_utc, expected_minute_utc, grace_minutes, is_active, current_status, created_at_utc)
                    VALUES ({"ACME"}, {"Paris"}, {"Centre"}, {"sales"}, {"ACME_Paris_Centre"}, {23}, {30}, {45}, {true}, {"ok"}, {created})
                    """);
            }
            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
                await db.MigrateAsync();
                var job = await db.Jobs.AsNoTracking().SingleAsync();
                Assert.Equal((23, 30, null, "UTC", 45), (job.ExpectedHourUtc, job.ExpectedMinuteUtc, job.ScheduleExpression, job.TimeZone, job.GraceMinutes));
                var schedule = Schedule.Of(job);
                Assert.True(schedule.IsDailyUtc);
                Assert.Equal(new DateTime(2026, 11, 22, 23, 30, 0, DateTimeKind.Utc), Cycles.CycleOf(new DateTime(2026, 11, 23, 0, 20, 0, DateTimeKind.Utc), schedule));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            TestSite.DeleteFolder(root);
        }
    }
}
