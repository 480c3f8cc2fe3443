using BackupMonitor.Faults;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Scanning;

/// <summary>A batch of agents commits in one transaction; when another scan got there first, entry by entry.</summary>
public class BatchCommitTests
{
    private const string Agent = "ACME_Paris_Centre";
    private static readonly DateTime Operation = new(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc);
    private static readonly DateTime Cycle = new(2026, 11, 23, 2, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_batch_that_conflicts_with_another_scan_is_recorded_entry_by_entry_and_loses_nothing()
    {
        await using var site = await TestSite.CreateAsync();
        var sales = await site.AddJobAsync(Agent, "sales");
        var hr = await site.AddJobAsync(Agent, "hr");
        var hash = site.WriteBackup(Agent, "sales.sql.gz", "the dump");
        site.WriteReport(Agent, ReportJson.Success("sales", Operation, "sales.sql.gz", hash, 8));
        site.SetNow(new DateTime(2026, 11, 23, 4, 0, 0, DateTimeKind.Utc)); // hr's 02:00 cycle is now missing

        var otherScanDone = false;
        var summary = await site.ScanAsync(scope =>
        {
            var scopes = scope.GetRequiredService<IServiceScopeFactory>();
            scope.GetRequiredService<FaultPoints>().BeforeCommit = _ =>
            {
                if (otherScanDone) return;
                otherScanDone = true;
                // Another scan records hr's missed cycle between this batch's preload and its commit.
                using var other = scopes.CreateScope();
                var db = other.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
                db.Entries.Add(new BackupEntry { ExpectedJobId = hr.Id, Status = BackupEntryStatus.Missing, ExpectedCycleUtc = Cycle, CreatedAtUtc = site.Now });
                db.SaveChanges();
            };
        });

        var entries = await site.EntriesAsync();
        Assert.Equal(2, entries.Count);
        var promoted = Assert.Single(entries, e => e.ExpectedJobId == sales.Id);
        Assert.Equal(BackupEntryStatus.Success, promoted.Status);
        Assert.Equal(BackupEntryStatus.Missing, Assert.Single(entries, e => e.ExpectedJobId == hr.Id).Status);
        Assert.Equal(1, summary.ByStatus[BackupEntryStatus.Success]);
        Assert.Equal(0, summary.ByStatus[BackupEntryStatus.Missing]); // the other scan's, not this one's
        Assert.Equal([promoted.ValidatedPath!], TestSite.FilesUnder(site.Validated));
        Assert.Equal([$"{Agent}/20261123/STATUS.json"], TestSite.FilesUnder(site.Archive));
        Assert.Empty(TestSite.FilesUnder(site.Staging));
        Assert.Equal(JobStatus.Ok, (await site.JobAsync(sales.Id)).CurrentStatus);
        Assert.Contains(site.Logs.Records, m => m.Message.Contains("already recorded elsewhere"));
    }
}
