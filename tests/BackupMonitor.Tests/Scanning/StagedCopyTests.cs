using BackupMonitor.Faults;
using BackupMonitor.Files;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Scanning;

/// <summary>A backup copied to validated storage on another filesystem, then removed from staging.</summary>
public class StagedCopyTests
{
    private const string Agent = "ACME_Paris_Centre";
    private static readonly DateTime Operation = new(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc);

    private static async Task<TestSite> SiteAsync()
    {
        var site = await TestSite.CreateAsync();
        await site.AddJobAsync(Agent, "sales");
        var hash = site.WriteBackup(Agent, "sales.sql.gz", "the dump");
        site.WriteReport(Agent, ReportJson.Success("sales", Operation, "sales.sql.gz", hash, 8));
        return site;
    }

    [Fact]
    public async Task A_copied_backup_that_cannot_leave_staging_is_a_warning_and_the_scan_goes_on()
    {
        await using var site = await SiteAsync();
        var staged = site.StagedPath(Agent, "sales.sql.gz");
        site.Faults.ForceCopy = true;
        ScanSummary summary;
        try
        {
            // Once the entry is committed, the staged file cannot be removed (here: a folder stands in its place).
            summary = await site.ScanAsync(scope => scope.GetRequiredService<FaultPoints>().AfterCommit = _ =>
            {
                File.Delete(staged);
                Directory.CreateDirectory(staged);
            });
        }
        finally
        {
            site.Faults.ForceCopy = false;
        }

        Assert.Equal(1, summary.ByStatus[BackupEntryStatus.Success]);
        Assert.Single(TestSite.FilesUnder(site.Validated));
        Assert.Equal([$"{Agent}/20261123/STATUS.json"], TestSite.FilesUnder(site.Archive));
        Assert.Contains(site.Logs.Records, r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning && r.Message.Contains("could not be removed from staging"));
        Directory.Delete(staged);
    }

    [Fact]
    public async Task Copies_across_filesystems_leave_no_trace_in_memory_when_nothing_watches_them()
    {
        await using var site = await SiteAsync();
        site.Faults.ForceCopy = true;
        try
        {
            await site.ScanAsync();
        }
        finally
        {
            site.Faults.ForceCopy = false;
        }

        Assert.Equal(2, TestSite.FilesUnder(site.Validated).Count + TestSite.FilesUnder(site.Archive).Count);
        Assert.Null(site.Faults.ReadingCopies);
        Assert.Null(FaultPoints.FromEnvironment().ReadingCopies); // what the product registers
    }
}
