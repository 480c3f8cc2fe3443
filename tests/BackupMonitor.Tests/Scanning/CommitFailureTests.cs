using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Tests.Scanning;

/// <summary>
/// A batch commit the database refuses (any error, forced here by a trigger) is committed again entry by entry, and
/// what the notices decided is not lost on the way: the facts the plan came from are untouched by the failed commit.
/// </summary>
public class CommitFailureTests
{
    private const string Agent = "ACME_Paris_Centre";
    private static readonly DateTime Operation = new(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc);

    /// <summary>
    /// Makes the database refuse the first notice written while two entries or more were added and no notice yet:
    /// the next batch commit (of two entries) fails, the entry-by-entry commits that follow do not.
    /// </summary>
    private static async Task RefuseTheBatchCommitAsync(TestSite site)
    {
        await using var scope = site.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        var (entries, notices) = (await db.Entries.CountAsync(), await db.Notices.CountAsync());
        var condition = $"(SELECT COUNT(*) FROM backup_entries) >= {entries + 2} AND (SELECT COUNT(*) FROM notices) = {notices}";
        if (TestDatabase.IsPostgres)
        {
            var function = $"CREATE FUNCTION refuse_batch() RETURNS trigger AS $$ BEGIN IF {condition} THEN RAISE EXCEPTION 'forced: batch commit refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql";
            await db.Database.ExecuteSqlRawAsync(function);
            await db.Database.ExecuteSqlRawAsync("CREATE TRIGGER refuse_batch BEFORE INSERT ON notices FOR EACH ROW EXECUTE FUNCTION refuse_batch()");
        }
        else
        {
            var trigger = $"CREATE TRIGGER refuse_batch BEFORE INSERT ON notices WHEN {condition} BEGIN SELECT RAISE(ABORT, 'forced: batch commit refused'); END";
            await db.Database.ExecuteSqlRawAsync(trigger);
        }
    }

    /// <summary>Makes the database refuse every missing entry, with an error that is not a unique index's.</summary>
    private static async Task RefuseMissingEntriesAsync(TestSite site)
    {
        await using var scope = site.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        if (TestDatabase.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync(
                "CREATE FUNCTION refuse_missing() RETURNS trigger AS $$ BEGIN IF NEW.status = 'missing' THEN RAISE EXCEPTION 'forced: disk full'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
            await db.Database.ExecuteSqlRawAsync("CREATE TRIGGER refuse_missing BEFORE INSERT ON backup_entries FOR EACH ROW EXECUTE FUNCTION refuse_missing()");
        }
        else
            await db.Database.ExecuteSqlRawAsync(
                "CREATE TRIGGER refuse_missing BEFORE INSERT ON backup_entries WHEN NEW.status = 'missing' BEGIN SELECT RAISE(ABORT, 'forced: disk full'); END");
    }

    /// <summary>One report with a successful line (and its staged file) per database.</summary>
    private static void ReportSuccess(TestSite site, DateTime operation, params string[] databases) =>
        site.WriteReport(Agent, [.. databases.Select(database => ReportJson.Success(database, operation, $"{database}.sql.gz",
            site.WriteBackup(Agent, $"{database}.sql.gz", $"the dump of {database}"), $"the dump of {database}".Length))]);

    [Fact]
    public async Task A_recovery_whose_batch_commit_fails_still_ends_the_acknowledgement()
    {
        await using var site = await TestSite.CreateAsync();
        var sales = await site.AddJobAsync(Agent, "sales");
        await site.AddJobAsync(Agent, "hr");
        await site.UpdateJobAsync(sales.Id, j => (j.CurrentStatus, j.AcknowledgedAtUtc) = (JobStatus.Failed, Operation.AddDays(-1)));
        ReportSuccess(site, Operation, "sales", "hr");
        site.SetNow(Operation.AddMinutes(30));
        await RefuseTheBatchCommitAsync(site);

        await site.ScanAsync();

        Assert.Equal(2, (await site.EntriesAsync()).Count);
        var job = await site.JobAsync(sales.Id);
        Assert.Equal(JobStatus.Ok, job.CurrentStatus);
        Assert.Null(job.AcknowledgedAtUtc);
        await using var scope = site.CreateScope();
        var notice = Assert.Single(await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().Notices.AsNoTracking().ToListAsync());
        Assert.Equal((NoticeKind.Recovery, sales.Id), (notice.Kind, notice.ExpectedJobId));
    }

    [Fact]
    public async Task An_on_change_reminder_whose_batch_commit_fails_is_still_raised()
    {
        await using var site = await TestSite.CreateAsync(new() { ["ALERT_MODE"] = "on_change", ["ALERT_REMINDER_HOURS"] = "1" });
        var sales = await site.AddJobAsync(Agent, "sales");
        await site.AddJobAsync(Agent, "hr");
        site.WriteReport(Agent, ReportJson.Failed("sales", new DateTime(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc)));
        site.SetNow(new DateTime(2026, 11, 23, 2, 40, 0, DateTimeKind.Utc));
        await site.ScanAsync();
        Assert.Single(await NoticesAsync(site));

        // 80 minutes later sales still fails (its reminder is due) and hr's cycle is missed, in one batch whose commit is refused.
        site.WriteReport(Agent, ReportJson.Failed("sales", new DateTime(2026, 11, 23, 3, 50, 0, DateTimeKind.Utc)));
        site.SetNow(new DateTime(2026, 11, 23, 4, 0, 0, DateTimeKind.Utc));
        await RefuseTheBatchCommitAsync(site);
        await site.ScanAsync();

        Assert.Equal(3, (await site.EntriesAsync()).Count);
        Assert.Equal(2, (await NoticesAsync(site)).Count(n => n.Kind == NoticeKind.Alert && n.ExpectedJobId == sales.Id));
    }

    [Fact]
    public async Task A_database_error_on_the_entry_by_entry_path_is_logged_as_an_error_not_as_already_recorded()
    {
        await using var site = await TestSite.CreateAsync();
        await site.AddJobAsync(Agent, "sales");
        await site.AddJobAsync(Agent, "hr");
        ReportSuccess(site, new DateTime(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc), "sales");
        site.SetNow(new DateTime(2026, 11, 23, 4, 0, 0, DateTimeKind.Utc)); // hr's 02:00 cycle is now missing
        await RefuseMissingEntriesAsync(site);

        await site.ScanAsync();

        Assert.Equal(BackupEntryStatus.Success, Assert.Single(await site.EntriesAsync()).Status);
        Assert.DoesNotContain(site.Logs.Records, r => r.Message.Contains("already recorded elsewhere"));
        var error = Assert.Single(site.Logs.Records, r => r.Message.StartsWith("Missing entry for job"));
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains("forced: disk full", error.Message);
    }

    private static async Task<List<Notice>> NoticesAsync(TestSite site)
    {
        await using var scope = site.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().Notices.AsNoTracking().OrderBy(n => n.Id).ToListAsync();
    }
}
