using BackupMonitor.Faults;
using BackupMonitor.Files;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Scanning;

/// <summary>SPEC §4: a scan killed at any point and run again loses nothing and duplicates nothing.</summary>
public class CrashSafetyTests
{
    private const string Agent = "ACME_Paris_Centre";
    private static readonly DateTime Operation = new(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc);
    private const string ValidatedRelative = $"{Agent}/sales/20261123T021000Z_sales.sql.gz";

    private sealed class SimulatedCrash : Exception;

    private static async Task<TestSite> SiteWithSuccessfulBackupAsync()
    {
        var site = await TestSite.CreateAsync();
        await site.AddJobAsync(Agent, "sales");
        var hash = site.WriteBackup(Agent, "sales.sql.gz", "the dump");
        site.WriteReport(Agent, ReportJson.Success("sales", Operation, "sales.sql.gz", hash, 8));
        return site;
    }

    private static Action<IServiceProvider> CrashBeforeCommit =>
        scope => scope.GetRequiredService<FaultPoints>().BeforeCommit = _ => throw new SimulatedCrash();

    private static Action<IServiceProvider> CrashAfterCommit =>
        scope => scope.GetRequiredService<FaultPoints>().AfterCommit = _ => throw new SimulatedCrash();

    [Fact]
    public async Task A_scan_killed_between_rename_and_commit_is_finished_by_the_next_scan_without_duplicates()
    {
        await using var site = await SiteWithSuccessfulBackupAsync();

        await Assert.ThrowsAsync<SimulatedCrash>(() => site.ScanAsync(CrashBeforeCommit));

        Assert.Empty(await site.EntriesAsync());
        Assert.Equal([ValidatedRelative], TestSite.FilesUnder(site.Validated)); // renamed already
        Assert.True(File.Exists(site.ReportPath(Agent, "STATUS.json")));       // not archived yet

        var summary = await site.ScanAsync();

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.Success, entry.Status);
        Assert.Equal(ValidatedRelative, entry.ValidatedPath);
        Assert.Equal(1, summary.ByStatus[BackupEntryStatus.Success]);
        Assert.Equal([ValidatedRelative], TestSite.FilesUnder(site.Validated));
        Assert.Equal([$"{Agent}/20261123/STATUS.json"], TestSite.FilesUnder(site.Archive));
        Assert.Empty(TestSite.FilesUnder(site.Staging));
    }

    [Fact]
    public async Task Across_filesystems_a_backup_is_copied_and_the_staged_file_removed_only_after_the_commit()
    {
        await using var site = await SiteWithSuccessfulBackupAsync();
        var stagedSeenAtCommit = false;
        site.Faults.ForceCopy = true;
        try
        {
            await site.ScanAsync(scope => scope.GetRequiredService<FaultPoints>().BeforeCommit =
                _ => stagedSeenAtCommit = File.Exists(site.StagedPath(Agent, "sales.sql.gz")));
        }
        finally
        {
            site.Faults.ForceCopy = false;
        }

        Assert.True(stagedSeenAtCommit);
        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(ValidatedRelative, entry.ValidatedPath);
        Assert.Equal([ValidatedRelative], TestSite.FilesUnder(site.Validated)); // no temporary copy left behind
        Assert.Equal("the dump", File.ReadAllText(Path.Combine(site.Validated, ValidatedRelative)));
        Assert.False(File.Exists(site.StagedPath(Agent, "sales.sql.gz")));
    }

    [Fact]
    public async Task Across_filesystems_a_scan_killed_after_commit_leaves_the_staged_file_which_the_next_scan_removes()
    {
        await using var site = await SiteWithSuccessfulBackupAsync();
        site.Faults.ForceCopy = true;
        try
        {
            await Assert.ThrowsAsync<SimulatedCrash>(() => site.ScanAsync(CrashAfterCommit));

            Assert.Single(await site.EntriesAsync());
            Assert.True(File.Exists(site.StagedPath(Agent, "sales.sql.gz")));
            Assert.Equal([ValidatedRelative], TestSite.FilesUnder(site.Validated));

            var summary = await site.ScanAsync();

            Assert.Equal(0, summary.EntriesCreated);
        }
        finally
        {
            site.Faults.ForceCopy = false;
        }

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(ValidatedRelative, entry.ValidatedPath);
        Assert.Equal([ValidatedRelative], TestSite.FilesUnder(site.Validated));
        Assert.Empty(TestSite.FilesUnder(site.Staging));
        Assert.Equal([$"{Agent}/20261123/STATUS.json"], TestSite.FilesUnder(site.Archive));
    }

    [Fact]
    public async Task Across_filesystems_a_scan_killed_before_commit_is_finished_by_the_next_scan_without_a_second_copy()
    {
        await using var site = await SiteWithSuccessfulBackupAsync();
        site.Faults.ForceCopy = true;
        try
        {
            await Assert.ThrowsAsync<SimulatedCrash>(() => site.ScanAsync(CrashBeforeCommit));

            Assert.Empty(await site.EntriesAsync());
            Assert.True(File.Exists(site.StagedPath(Agent, "sales.sql.gz")));

            await site.ScanAsync();
        }
        finally
        {
            site.Faults.ForceCopy = false;
        }

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.Success, entry.Status);
        Assert.Equal(ValidatedRelative, entry.ValidatedPath);
        Assert.Equal([ValidatedRelative], TestSite.FilesUnder(site.Validated));
        Assert.Empty(TestSite.FilesUnder(site.Staging));
    }

    [Fact]
    public async Task A_scan_killed_before_a_quarantine_commit_is_finished_by_the_next_scan()
    {
        await using var site = await TestSite.CreateAsync();
        await site.AddJobAsync(Agent, "sales");
        site.WriteBackup(Agent, "sales.sql.gz", "corrupted");
        site.WriteReport(Agent, ReportJson.Success("sales", Operation, "sales.sql.gz", new string('a', 64), 9));

        await Assert.ThrowsAsync<SimulatedCrash>(() => site.ScanAsync(CrashBeforeCommit));
        await site.ScanAsync();

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.HashMismatch, entry.Status);
        Assert.Equal(ValidatedRelative, entry.QuarantinePath);
        Assert.Equal([ValidatedRelative], TestSite.FilesUnder(site.Quarantine));
        Assert.Empty(TestSite.FilesUnder(site.Validated));
    }

    [Theory]
    [InlineData(BackupEntryStatus.HashMismatch)]
    [InlineData(BackupEntryStatus.Failed)]
    public async Task Across_filesystems_a_scan_killed_before_a_quarantine_commit_makes_no_second_quarantined_copy(BackupEntryStatus status)
    {
        await using var site = await TestSite.CreateAsync();
        await site.AddJobAsync(Agent, "sales");
        site.WriteBackup(Agent, "sales.sql.gz", "corrupted");
        site.WriteReport(Agent, status == BackupEntryStatus.Failed
            ? ReportJson.Failed("sales", Operation, "dump aborted", "sales.sql.gz")
            : ReportJson.Success("sales", Operation, "sales.sql.gz", new string('a', 64), 9));
        site.Faults.ForceCopy = true;
        try
        {
            await Assert.ThrowsAsync<SimulatedCrash>(() => site.ScanAsync(CrashBeforeCommit));
            await site.ScanAsync();
        }
        finally
        {
            site.Faults.ForceCopy = false;
        }

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(status, entry.Status);
        Assert.Equal(ValidatedRelative, entry.QuarantinePath);
        Assert.Equal([ValidatedRelative], TestSite.FilesUnder(site.Quarantine));
        Assert.Empty(TestSite.FilesUnder(site.Staging));
    }
}
