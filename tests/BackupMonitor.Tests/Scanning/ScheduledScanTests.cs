using BackupMonitor.Jobs;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Tests.Scanning;

/// <summary>Scans of scheduled jobs on the real database: lines belong to the nearest occurrence, and an unreadable schedule stops nothing.</summary>
public class ScheduledScanTests
{
    private const string Agent = "ACME_Paris_Centre";
    private static DateTime Utc(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_late_line_covers_its_nearest_occurrence_so_only_the_others_are_missing()
    {
        await using var site = await TestSite.CreateAsync(now: Utc(23, 0, 30)); // Monday
        var job = await site.WithRegistryAsync(r => r.AddAsync(new NewJob("ACME", "Paris", "Centre", "txlog", null, null, Agent, 20, "0 */4 * * *", "UTC")));

        // The 04:00 cycle's backup comes 1 h 50 late (still nearer 04:00 than 08:00); the scan runs at 12:30.
        site.SetNow(Utc(23, 12, 30));
        var hash = site.WriteBackup(Agent, "txlog_0550.sql.gz");
        site.WriteReport(Agent, ReportJson.Success("txlog", Utc(23, 5, 50), "txlog_0550.sql.gz", hash, 8));
        await site.ScanAsync();
        site.SetNow(Utc(23, 12, 40));
        await site.ScanAsync();

        var entries = await site.EntriesAsync(job.Id);
        Assert.Equal([Utc(23, 8), Utc(23, 12)], entries.Where(e => e.Status == BackupEntryStatus.Missing).Select(e => e.ExpectedCycleUtc!.Value).Order());
        Assert.Single(entries, e => e.Status == BackupEntryStatus.Success);
    }

    [Fact]
    public async Task A_job_whose_stored_schedule_no_longer_reads_is_skipped_and_logged_and_the_others_are_checked()
    {
        await using var site = await TestSite.CreateAsync(now: Utc(22, 12, 0));
        var broken = await site.AddJobAsync(Agent, "sales");
        var daily = await site.AddJobAsync(Agent, "hr");
        await site.UpdateJobAsync(broken.Id, j => (j.ExpectedHourUtc, j.ExpectedMinuteUtc, j.ScheduleExpression, j.TimeZone) = (null, null, "0 2 * * *", "Mars/Olympus"));

        site.SetNow(Utc(23, 3, 0));
        await site.ScanAsync();

        Assert.Single(await site.EntriesAsync(daily.Id), e => e.Status == BackupEntryStatus.Missing);
        Assert.Empty(await site.EntriesAsync(broken.Id));
        Assert.Contains(site.Logs.Records, m => m.Level == LogLevel.Error && m.Message.Contains($"Job {broken.Id} has a schedule that cannot be read"));
    }
}
