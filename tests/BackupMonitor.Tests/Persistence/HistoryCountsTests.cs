using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Tests.Persistence;

/// <summary>
/// The summary counts (`/metrics`, the overview's tiles) must equal what counting the rows gives, after every kind of
/// write (the scan's bulk writer, SaveChanges, bulk updates and deletes), on both providers, and after an upgrade.
/// </summary>
public sealed class HistoryCountsTests
{
    private static readonly DateTime Moment = new(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Counts_equal_the_rows_after_inserts_updates_and_deletes_by_every_writer()
    {
        await using var site = new MigrationSite();
        await site.AfterAsync(async db =>
        {
            var jobs = Enumerable.Range(0, 4).Select(NewJob).ToList();
            db.Jobs.AddRange(jobs);
            await db.SaveChangesAsync();
            await AssertCountsMatchRowsAsync(db);

            // The scan's path: bulk inserts and updates in one transaction.
            var bulk = jobs.SelectMany(j => Entries(j.Id, 0, 6)).ToList();
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                await db.InsertAsync(bulk, CancellationToken.None);
                foreach (var job in jobs.Take(2)) job.CurrentStatus = JobStatus.Failed;
                await db.UpdateAsync(jobs, [nameof(ExpectedBackupJob.CurrentStatus)], CancellationToken.None);
                var notice = new Notice { ExpectedJobId = jobs[0].Id, BackupEntryId = bulk[1].Id, Kind = NoticeKind.Alert, JobStatus = JobStatus.Failed, PreviousJobStatus = JobStatus.Ok, CreatedAtUtc = Moment };
                await db.InsertAsync([notice], CancellationToken.None);
                await db.InsertAsync(new[] { "admins", "admins", "team" }.Select((d, i) => new Delivery { NoticeId = notice.Id, Destination = d + (i == 1 ? "-2" : ""), CreatedAtUtc = Moment }).ToList(), CancellationToken.None);
                await transaction.CommitAsync();
            }
            await AssertCountsMatchRowsAsync(db);

            // SaveChanges, a rolled-back transaction, set-based updates and deletes.
            db.Entries.AddRange(Entries(jobs[3].Id, 10, 3));
            await db.SaveChangesAsync();
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                await db.InsertAsync(Entries(jobs[2].Id, 20, 5), CancellationToken.None);
                await transaction.RollbackAsync();
            }
            db.ChangeTracker.Clear();
            await db.Entries.Where(e => e.Status == BackupEntryStatus.Failed).ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, BackupEntryStatus.Corrupt).SetProperty(e => e.ContentCheck, ContentCheck.Failed));
            await db.Entries.Where(e => e.ExpectedJobId == jobs[1].Id).ExecuteDeleteAsync();
            await db.Deliveries.Where(d => d.Destination == "admins").ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryState.Sent));
            await db.Deliveries.Where(d => d.Destination == "team").ExecuteUpdateAsync(s => s.SetProperty(d => d.Destination, "oncall"));
            await db.Jobs.Where(j => j.Id == jobs[0].Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.IsActive, false));
            await db.Jobs.Where(j => j.Id == jobs[3].Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.CurrentStatus, JobStatus.Missing).SetProperty(j => j.LastCheckedAtUtc, Moment));
            db.ScanRuns.AddRange(new ScanRun { StartedAtUtc = Moment, FinishedAtUtc = Moment, BytesVerified = 1234 }, new ScanRun { StartedAtUtc = Moment, FinishedAtUtc = Moment.AddMinutes(5), BytesVerified = 66 });
            await db.SaveChangesAsync();
            await AssertCountsMatchRowsAsync(db);

            await db.Deliveries.ExecuteDeleteAsync();
            await db.Notices.ExecuteDeleteAsync();
            await db.Entries.ExecuteDeleteAsync();
            await AssertCountsMatchRowsAsync(db);
        });
    }

    [Fact]
    public async Task Many_small_writes_are_folded_and_still_counted_exactly()
    {
        await using var site = new MigrationSite();
        await site.AfterAsync(async db =>
        {
            var job = NewJob(0);
            db.Jobs.Add(job);
            await db.SaveChangesAsync();
            for (var i = 0; i < 700; i++) // one statement each: 700 delta rows on PostgreSQL before they are folded
                await db.Database.ExecuteSqlAsync($"INSERT INTO backup_entries (expected_job_id, status, expected_cycle_utc, created_at_utc) VALUES ({job.Id}, {(i % 3 == 0 ? "missing" : "success")}, {Moment.AddHours(-i)}, {Moment})");
            await AssertCountsMatchRowsAsync(db);
            await AssertCountsMatchRowsAsync(db);
            await using var rows = db.Command("SELECT COUNT(*) FROM history_counts");
            Assert.True(Convert.ToInt64(await rows.ExecuteScalarAsync()) < 20, "the deltas were folded into one row per label");
        });
    }

    [Fact]
    public async Task Rows_written_before_the_upgrade_are_counted_by_it()
    {
        await using var site = new MigrationSite();
        await site.BeforeAsync("Issue22HistoryCounts", async db =>
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO expected_backup_jobs (company_name, city, neighborhood, database_name, agent_id_responsible,
                    expected_hour_utc, expected_minute_utc, is_active, current_status, created_at_utc, time_zone)
                VALUES ({"ACME"}, {"Paris"}, {"Centre"}, {"sales"}, {"ACME_Paris_Centre"}, {2}, {0}, {true}, {"failed"}, {Moment}, {"UTC"})
                """);
            foreach (var (status, hours) in new[] { ("success", 1), ("failed", 2), ("missing", 3), ("success", 4) })
                await db.Database.ExecuteSqlAsync($"INSERT INTO backup_entries (expected_job_id, status, expected_cycle_utc, created_at_utc, content_check) VALUES ({1}, {status}, {Moment.AddHours(-hours)}, {Moment}, {(status == "success" ? "passed" : null)})");
            await db.Database.ExecuteSqlAsync($"INSERT INTO notices (backup_entry_id, expected_job_id, kind, job_status, previous_job_status, created_at_utc) VALUES ({2}, {1}, {"alert"}, {"failed"}, {"ok"}, {Moment})");
            await db.Database.ExecuteSqlAsync($"INSERT INTO deliveries (notice_id, destination, state, attempts, created_at_utc) VALUES ({1}, {"admins"}, {"pending"}, {0}, {Moment})");
            await db.Database.ExecuteSqlAsync($"INSERT INTO scan_runs (started_at_utc, finished_at_utc, reports_read, reports_invalid, entries_created, success, failed, missing, hash_mismatch, transfer_integrity_failed, corrupt, bytes_verified, duration_ms) VALUES ({Moment}, {Moment}, {1}, {0}, {4}, {2}, {1}, {1}, {0}, {0}, {0}, {4096L}, {10L})");
        });
        await site.AfterAsync(async db =>
        {
            var counts = await db.ReadAsync(CancellationToken.None);
            Assert.Equal((2L, 1L, 1L, 2L), (counts.Get("entries", "success"), counts.Get("entries", "failed"), counts.Get("entries", "missing"), counts.Get("content_checks", "passed")));
            Assert.Equal((1L, 1L, 1L, 4096L), (counts.Get("jobs", "failed"), counts.Get("deliveries", "admins", "pending"), counts.Get("scans"), counts.Get("bytes_verified")));
            await AssertCountsMatchRowsAsync(db);
        });
    }

    /// <summary>Every family of the summary against a GROUP BY over its rows.</summary>
    private static async Task AssertCountsMatchRowsAsync(BackupMonitorDbContext db)
    {
        var counts = await db.ReadAsync(CancellationToken.None);
        var expected = new List<(string, string, string, long)>();
        expected.AddRange((await db.Entries.AsNoTracking().GroupBy(e => e.Status).Select(g => new { g.Key, N = g.LongCount() }).ToListAsync())
            .Select(g => ("entries", g.Key.ToWire(), "", g.N)));
        expected.AddRange((await db.Entries.AsNoTracking().Where(e => e.ContentCheck != null).GroupBy(e => e.ContentCheck).Select(g => new { g.Key, N = g.LongCount() }).ToListAsync())
            .Select(g => ("content_checks", g.Key!.Value.ToWire(), "", g.N)));
        expected.AddRange((await db.Jobs.AsNoTracking().Where(j => j.IsActive).GroupBy(j => j.CurrentStatus).Select(g => new { g.Key, N = g.LongCount() }).ToListAsync())
            .Select(g => ("jobs", g.Key.ToWire(), "", g.N)));
        expected.AddRange((await db.Deliveries.AsNoTracking().GroupBy(d => new { d.Destination, d.State }).Select(g => new { g.Key, N = g.LongCount() }).ToListAsync())
            .Select(g => ("deliveries", g.Key.Destination, BackupMonitor.Notifications.OutboxQuery.Wire(g.Key.State), g.N)));
        var scans = await db.ScanRuns.AsNoTracking().ToListAsync();
        if (scans.Count > 0) expected.AddRange([("scans", "", "", scans.Count), ("bytes_verified", "", "", scans.Sum(s => s.BytesVerified))]);
        Assert.Equal(expected.Order(), counts.Where(c => c.Count != 0).Select(c => (c.Family, c.Label, c.Label2, c.Count)).Order());
    }

    private static ExpectedBackupJob NewJob(int i) => new()
    {
        CompanyName = "ACME", City = "Lyon", Neighborhood = "Centre", DatabaseName = $"db{i}", AgentIdResponsible = "ACME_Lyon",
        ExpectedHourUtc = 2, ExpectedMinuteUtc = 0, CreatedAtUtc = Moment, CurrentStatus = i == 3 ? JobStatus.Unknown : JobStatus.Ok,
    };

    private static List<BackupEntry> Entries(int jobId, int first, int count) => Enumerable.Range(first, count).Select(i => new BackupEntry
    {
        ExpectedJobId = jobId, CreatedAtUtc = Moment, AgentReportTimestampUtc = Moment.AddDays(-i),
        Status = (i % 3) switch { 0 => BackupEntryStatus.Success, 1 => BackupEntryStatus.Failed, _ => BackupEntryStatus.HashMismatch },
        ContentCheck = (i % 4) switch { 0 => ContentCheck.Passed, 1 => ContentCheck.Skipped, _ => null },
    }).ToList();
}
