using BackupMonitor.Decisions;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Tests.Persistence;

/// <summary>The `Schedules` migration keeps every existing daily job as it was: same UTC time, zone `UTC`, no schedule.</summary>
public sealed class ScheduleMigrationTests
{
    [Fact]
    public async Task A_daily_job_saved_before_schedules_existed_migrates_to_a_daily_utc_schedule()
    {
        await using var site = new MigrationSite();
        await site.BeforeAsync("Schedules", async db =>
        {
            var created = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO expected_backup_jobs (company_name, city, neighborhood, database_name, agent_id_responsible,
                    expected_hour_utc, expected_minute_utc, grace_minutes, is_active, current_status, created_at_utc)
                VALUES ({"ACME"}, {"Paris"}, {"Centre"}, {"sales"}, {"ACME_Paris_Centre"}, {23}, {30}, {45}, {true}, {"ok"}, {created})
                """);
        });

        await site.AfterAsync(async db =>
        {
            var job = await db.Jobs.AsNoTracking().SingleAsync();
            Assert.Equal((23, 30, null, "UTC", 45), (job.ExpectedHourUtc, job.ExpectedMinuteUtc, job.ScheduleExpression, job.TimeZone, job.GraceMinutes));
            var schedule = Schedule.Of(job);
            Assert.True(schedule.IsDailyUtc);
            Assert.Equal(new DateTime(2026, 11, 22, 23, 30, 0, DateTimeKind.Utc), Cycles.CycleOf(new DateTime(2026, 11, 23, 0, 20, 0, DateTimeKind.Utc), schedule));
        });
    }
}
