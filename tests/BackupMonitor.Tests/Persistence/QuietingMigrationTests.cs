using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Tests.Persistence;

/// <summary>The `Quieting` migration keeps jobs and the outbox as they were: nothing acknowledged, no digest, no window.</summary>
public sealed class QuietingMigrationTests
{
    [Fact]
    public async Task A_failing_job_and_its_delivery_saved_before_quieting_existed_migrate_unacknowledged_and_undigested()
    {
        await using var site = new MigrationSite();
        var created = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        await site.BeforeAsync("Quieting", async db =>
        {
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
        });

        await site.AfterAsync(async db =>
        {
            var job = await db.Jobs.AsNoTracking().SingleAsync();
            Assert.Equal((JobStatus.Failed, (DateTime?)null), (job.CurrentStatus, job.AcknowledgedAtUtc));
            var delivery = await db.Deliveries.AsNoTracking().SingleAsync();
            Assert.Equal((DeliveryState.Sent, (int?)null, (int?)null), (delivery.State, delivery.DigestId, delivery.SuppressedByWindowId));
            Assert.Empty(await db.Digests.ToListAsync());
            Assert.Empty(await db.MaintenanceWindows.ToListAsync());
        });
    }
}
