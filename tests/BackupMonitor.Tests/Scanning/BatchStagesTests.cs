using BackupMonitor.Faults;
using BackupMonitor.Configuration;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Scanning;

/// <summary>
/// A scan of many batches (more than the three alive at once) through its stages: the scan's DbContext serves one
/// batch at a time, no more than three batches hold claims, and a commit failing midway leaves no claim held and no
/// file work running.
/// </summary>
public class BatchStagesTests
{
    private const int BatchSize = 2;
    private const int Agents = 5 * BatchSize;
    private static readonly DateTime Operation = new(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc);

    private sealed class SimulatedCommitFailure : Exception;

    private static string AgentName(int i) => $"ACME_Site{i:00}";

    /// <summary>Every agent with a job and a successful report whose file takes some hashing (1 MiB).</summary>
    private static async Task<TestSite> SiteOfManyBatchesAsync()
    {
        var site = await TestSite.CreateAsync(replace: services =>
            services.AddSingleton(provider => provider.GetRequiredService<Settings>().Scan with { BatchSize = BatchSize }));
        var content = new byte[1 << 20];
        for (var i = 0; i < Agents; i++)
        {
            Random.Shared.NextBytes(content);
            await site.AddJobAsync(AgentName(i), "sales");
            var hash = site.WriteBackup(AgentName(i), "sales.sql.gz", content);
            site.WriteReport(AgentName(i), ReportJson.Success("sales", Operation, "sales.sql.gz", hash, content.Length));
        }
        site.SetNow(Operation.AddMinutes(30));
        return site;
    }

    /// <summary>Lease rows, and those held now; read synchronously, from a commit's hook as well.</summary>
    private static (int Rows, int Held) Leases(TestSite site)
    {
        using var scope = site.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        var leases = db.AgentLeases.AsNoTracking().ToList();
        return (leases.Count, leases.Count(l => l.ExpiresAtUtc > site.Now));
    }

    [Fact]
    public async Task A_batch_commits_while_no_other_batch_uses_the_database_and_at_most_three_batches_hold_claims()
    {
        await using var site = await SiteOfManyBatchesAsync();
        var overlaps = new List<string>();
        var mostHeld = 0;

        var summary = await site.ScanAsync(scope => scope.GetRequiredService<FaultPoints>().BeforeCommit = _ =>
        {
            // A claim taken by another batch while this one commits would add lease rows (every agent is new).
            var before = Leases(site);
            Thread.Sleep(50);
            var after = Leases(site);
            if (after.Rows != before.Rows) lock (overlaps) overlaps.Add($"{before.Rows} → {after.Rows} lease rows during a commit");
            mostHeld = Math.Max(mostHeld, Math.Max(before.Held, after.Held));
        });

        Assert.Empty(overlaps);
        Assert.InRange(mostHeld, BatchSize, BatchStages.MaxAlive * BatchSize);
        Assert.Equal(Agents, summary.ByStatus[BackupEntryStatus.Success]);
        Assert.Equal((Agents, 0), Leases(site));
        Assert.Empty(TestSite.FilesUnder(site.Staging));
    }

    [Fact]
    public async Task A_commit_failing_in_the_middle_of_many_batches_releases_every_claim_and_leaves_no_file_work_running()
    {
        await using var site = await SiteOfManyBatchesAsync();
        var commits = 0;

        await Assert.ThrowsAsync<SimulatedCommitFailure>(() => site.ScanAsync(scope => scope.GetRequiredService<FaultPoints>().BeforeCommit = _ =>
        {
            if (Interlocked.Increment(ref commits) == 2 * BatchSize + 1) throw new SimulatedCommitFailure(); // the third batch's commit
        }));

        Assert.Equal(0, Leases(site).Held);
        var validated = TestSite.FilesUnder(site.Validated);
        var staging = TestSite.FilesUnder(site.Staging);
        var archive = TestSite.FilesUnder(site.Archive);
        Assert.Equal(2 * BatchSize, (await site.EntriesAsync()).Count);
        Thread.Sleep(300); // file work still running after the scan left would move more files meanwhile
        Assert.Equal(validated, TestSite.FilesUnder(site.Validated));
        Assert.Equal(staging, TestSite.FilesUnder(site.Staging));
        Assert.Equal(archive, TestSite.FilesUnder(site.Archive));

        // What the failed scan moved is recognised by the next one: every agent recorded once, staging empty.
        var summary = await site.ScanAsync();
        Assert.Equal(Agents, (await site.EntriesAsync()).Count);
        Assert.Equal(Agents - 2 * BatchSize, summary.ByStatus[BackupEntryStatus.Success]);
        Assert.Empty(TestSite.FilesUnder(site.Staging));
    }
}
