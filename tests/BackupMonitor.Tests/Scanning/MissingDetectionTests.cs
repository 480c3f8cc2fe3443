namespace BackupMonitor.Tests.Scanning;

/// <summary>SPEC §5 with a fake clock: one `missing` entry per missed cycle, at or after its deadline, never more.</summary>
public class MissingDetectionTests
{
    private const string Agent = "ACME_Paris_Centre";
    private static readonly DateTime Day = new(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Registered = Day.AddDays(-1).AddHours(12); // after the previous day's deadline

    private static DateTime At(int hour, int minute, int dayOffset = 0) => Day.AddDays(dayOffset).AddHours(hour).AddMinutes(minute);

    [Fact]
    public async Task Scan_records_nothing_before_the_deadline_and_the_job_keeps_its_status()
    {
        await using var site = await TestSite.CreateAsync(now: Registered);
        var job = await site.AddJobAsync(Agent, "sales", hour: 2);
        await site.UpdateJobAsync(job.Id, j => j.CurrentStatus = JobStatus.Ok);

        site.SetNow(At(2, 59));
        var summary = await site.ScanAsync();

        Assert.Equal(0, summary.EntriesCreated);
        Assert.Empty(await site.EntriesAsync());
        Assert.Equal(JobStatus.Ok, (await site.JobAsync(job.Id)).CurrentStatus);
    }

    [Fact]
    public async Task Scan_marks_job_missing_after_deadline_when_no_report_arrived()
    {
        await using var site = await TestSite.CreateAsync(now: Registered);
        var job = await site.AddJobAsync(Agent, "sales", hour: 2);

        site.SetNow(At(3, 0)); // exactly T + 60 min
        var summary = await site.ScanAsync();

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.Missing, entry.Status);
        Assert.Equal(At(2, 0), entry.ExpectedCycleUtc);
        Assert.Null(entry.AgentReportTimestampUtc);
        Assert.Contains("2026-11-23", entry.ErrorMessage);
        Assert.Equal(1, summary.ByStatus[BackupEntryStatus.Missing]);
        var updated = await site.JobAsync(job.Id);
        Assert.Equal(JobStatus.Missing, updated.CurrentStatus);
        Assert.Equal(At(2, 0), updated.LastFailedBackupUtc);
    }

    [Fact]
    public async Task A_reactivated_job_is_not_missing_for_the_days_it_was_deactivated_but_is_for_the_next_cycle()
    {
        await using var site = await TestSite.CreateAsync(now: Registered);
        var job = await site.AddJobAsync(Agent, "sales", hour: 2);
        await site.WithRegistryAsync(r => r.DeactivateAsync(job.Id));

        site.SetNow(At(12, 0, dayOffset: 3)); // three days off, then back
        await site.WithRegistryAsync(r => r.ReactivateAsync(job.Id));
        var sameDay = await site.ScanAsync();
        site.SetNow(At(3, 0, dayOffset: 4)); // the first deadline after the reactivation
        var nextDay = await site.ScanAsync();

        Assert.Equal(0, sameDay.EntriesCreated);
        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(At(2, 0, dayOffset: 4), entry.ExpectedCycleUtc);
        Assert.Equal(1, nextDay.EntriesCreated);
    }

    [Fact]
    public async Task Scan_records_a_missed_cycle_only_once_and_again_for_the_next_day()
    {
        await using var site = await TestSite.CreateAsync(now: Registered);
        var job = await site.AddJobAsync(Agent, "sales", hour: 2);

        site.SetNow(At(3, 0));
        await site.ScanAsync();
        site.SetNow(At(4, 0));
        await site.ScanAsync();
        site.SetNow(At(23, 0));
        var later = await site.ScanAsync();

        Assert.Equal(0, later.EntriesCreated);
        Assert.Single(await site.EntriesAsync(job.Id));

        site.SetNow(At(3, 0, dayOffset: 1));
        await site.ScanAsync();
        await site.ScanAsync();

        Assert.Equal([At(2, 0), At(2, 0, dayOffset: 1)], (await site.EntriesAsync(job.Id)).Select(e => e.ExpectedCycleUtc!.Value));
    }

    [Fact]
    public async Task A_job_registered_after_a_deadline_is_not_missing_for_that_cycle()
    {
        await using var site = await TestSite.CreateAsync(now: At(3, 30));
        var job = await site.AddJobAsync(Agent, "sales", hour: 2);

        site.SetNow(At(4, 0));
        await site.ScanAsync();
        Assert.Empty(await site.EntriesAsync());

        site.SetNow(At(3, 0, dayOffset: 1));
        await site.ScanAsync();
        Assert.Equal(At(2, 0, dayOffset: 1), Assert.Single(await site.EntriesAsync(job.Id)).ExpectedCycleUtc);
    }

    [Fact]
    public async Task A_jobs_grace_minutes_override_the_global_default()
    {
        await using var site = await TestSite.CreateAsync(new() { ["MISSING_GRACE_MINUTES"] = "60" }, now: Registered);
        var strict = await site.AddJobAsync(Agent, "sales", hour: 2, graceMinutes: 10);
        var lenient = await site.AddJobAsync(Agent, "hr", hour: 2, graceMinutes: 120);
        var byDefault = await site.AddJobAsync(Agent, "stock", hour: 2);

        site.SetNow(At(2, 9));
        await site.ScanAsync();
        Assert.Empty(await site.EntriesAsync());

        site.SetNow(At(2, 10));
        await site.ScanAsync();
        Assert.Single(await site.EntriesAsync(strict.Id));

        site.SetNow(At(3, 0));
        await site.ScanAsync();
        Assert.Single(await site.EntriesAsync(byDefault.Id));
        Assert.Empty(await site.EntriesAsync(lenient.Id));

        site.SetNow(At(4, 0));
        await site.ScanAsync();
        Assert.Single(await site.EntriesAsync(lenient.Id));
    }

    [Fact]
    public async Task The_global_grace_setting_sets_the_deadline_of_jobs_without_their_own()
    {
        await using var site = await TestSite.CreateAsync(new() { ["MISSING_GRACE_MINUTES"] = "30" }, now: Registered);
        var job = await site.AddJobAsync(Agent, "sales", hour: 2);

        site.SetNow(At(2, 29));
        await site.ScanAsync();
        Assert.Empty(await site.EntriesAsync());

        site.SetNow(At(2, 30));
        await site.ScanAsync();
        Assert.Single(await site.EntriesAsync(job.Id));
    }

    [Fact]
    public async Task A_cycle_late_in_the_evening_has_its_deadline_after_midnight()
    {
        await using var site = await TestSite.CreateAsync(now: Registered);
        var job = await site.AddJobAsync(Agent, "sales", hour: 23, minute: 30, graceMinutes: 60);

        site.SetNow(At(0, 29));
        await site.ScanAsync();
        Assert.Empty(await site.EntriesAsync());

        site.SetNow(At(0, 30));
        await site.ScanAsync();
        Assert.Equal(At(23, 30, dayOffset: -1), Assert.Single(await site.EntriesAsync(job.Id)).ExpectedCycleUtc);
    }

    [Fact]
    public async Task A_line_arriving_late_for_a_cycle_already_marked_missing_is_still_recorded()
    {
        await using var site = await TestSite.CreateAsync(now: Registered);
        var job = await site.AddJobAsync(Agent, "sales", hour: 2);
        site.SetNow(At(3, 0));
        await site.ScanAsync();

        site.SetNow(At(5, 0));
        var hash = site.WriteBackup(Agent, "sales.sql.gz", "late dump");
        site.WriteReport(Agent, ReportJson.Success("sales", At(4, 40), "sales.sql.gz", hash, 9));
        await site.ScanAsync();

        var entries = await site.EntriesAsync(job.Id);
        Assert.Equal([BackupEntryStatus.Missing, BackupEntryStatus.Success], entries.Select(e => e.Status));
        Assert.NotNull(entries[1].ValidatedPath);
        Assert.Equal(JobStatus.Ok, (await site.JobAsync(job.Id)).CurrentStatus);
    }

    [Fact]
    public async Task A_line_up_to_twelve_hours_early_covers_the_coming_cycle()
    {
        await using var site = await TestSite.CreateAsync(now: Registered);
        var job = await site.AddJobAsync(Agent, "sales", hour: 2);
        site.SetNow(At(3, 0));
        site.WriteReport(Agent, ReportJson.Failed("sales", At(14, 0, dayOffset: -1))); // exactly T − 12 h

        await site.ScanAsync();

        var entry = Assert.Single(await site.EntriesAsync(job.Id));
        Assert.Equal(BackupEntryStatus.Failed, entry.Status);
    }

    [Fact]
    public async Task A_line_more_than_twelve_hours_before_the_cycle_belongs_to_the_previous_one()
    {
        await using var site = await TestSite.CreateAsync(now: Registered);
        var job = await site.AddJobAsync(Agent, "sales", hour: 2);
        site.SetNow(At(3, 0));
        site.WriteReport(Agent, ReportJson.Failed("sales", At(13, 59, dayOffset: -1)));

        await site.ScanAsync();

        var entries = await site.EntriesAsync(job.Id);
        Assert.Equal([BackupEntryStatus.Failed, BackupEntryStatus.Missing], entries.Select(e => e.Status));
        Assert.Equal(At(2, 0), entries[1].ExpectedCycleUtc);
    }

    [Fact]
    public async Task A_removed_job_is_no_longer_scanned()
    {
        await using var site = await TestSite.CreateAsync(now: Registered);
        var job = await site.AddJobAsync(Agent, "sales", hour: 2);
        await site.UpdateJobAsync(job.Id, j => j.IsActive = false);
        site.SetNow(At(3, 0));
        site.WriteReport(Agent, ReportJson.Failed("sales", At(2, 10)));

        var summary = await site.ScanAsync();

        Assert.Equal(0, summary.EntriesCreated);
        Assert.Equal(1, summary.UnmatchedLines);
        Assert.Empty(await site.EntriesAsync());
    }
}
