using System.Text.Json;
using BackupMonitor.Configuration;
using BackupMonitor.Tests.Scale;
using BackupMonitor.Tests.Scanning;

namespace BackupMonitor.Tests.Retention;

/// <summary>
/// SPEC §14: apply is crash-safe. The process is stopped after each step that changed the database or a file (the
/// entries marked, each file moved, each trashed file purged; each step of a restore): no file is lost, and the next
/// apply finishes the work, ending exactly where an uninterrupted apply ends.
/// </summary>
public class RetentionCrashTests
{
    private const string Agent = "ACME_Paris_Centre";

    private sealed class SimulatedCrash : Exception;

    /// <summary>
    /// A job of 10 nights whose 2 oldest backups have been in the trash a day (RETENTION_TRASH_DAYS=1) and whose policy
    /// now prunes 3 more: the next apply purges 2 (2 steps), marks 3 (1 step) and moves 3 (3 steps).
    /// </summary>
    private static async Task<(RetentionSite Site, Dictionary<string, byte[]> Files)> SiteWithWorkAsync()
    {
        var site = await RetentionSite.CreateAsync(new() { ["RETENTION_TRASH_DAYS"] = "1" });
        var job = await site.AddJobWithBackupsAsync(Agent, 10);
        var files = site.Files(site.Validated);
        await site.SetPolicyAsync(job.Id, "last=8");
        Assert.Equal(2, (await site.ApplyAsync()).Pruned);
        site.Site.SetNow(site.Site.Now.AddDays(1));
        await site.SetPolicyAsync(job.Id, "last=5");
        return (site, files);
    }

    private const int Steps = 6;

    private static async Task AssertFinishedAsync(RetentionSite site, Dictionary<string, byte[]> original)
    {
        var newestFirst = original.Keys.OrderDescending(StringComparer.Ordinal).ToList();
        Assert.Equal(newestFirst.Take(5).Order(), TestSite.FilesUnder(site.Validated));
        Assert.Equal(newestFirst.Skip(5).Take(3).Order(), TestSite.FilesUnder(site.Trash));
        foreach (var (path, bytes) in site.Files(site.Validated).Concat(site.Files(site.Trash))) Assert.Equal(original[path], bytes);
        var entries = await site.Site.EntriesAsync();
        Assert.Equal(5, entries.Count(e => e.PrunedAtUtc is not null));
        Assert.Equal(newestFirst.Skip(8).Order(), entries.Where(e => e.PurgedAtUtc is not null).Select(e => e.ValidatedPath!).Order());
    }

    /// <summary>No kept or trashed file is lost: each of the 8 newest is in validated or in the trash, byte for byte.</summary>
    private static void AssertNoFileLost(RetentionSite site, Dictionary<string, byte[]> original)
    {
        var found = site.Files(site.Validated).Concat(site.Files(site.Trash)).ToList();
        foreach (var path in original.Keys.OrderDescending(StringComparer.Ordinal).Take(8))
            Assert.Equal(original[path], Assert.Single(found, f => f.Key == path).Value);
    }

    [Fact]
    public async Task An_uninterrupted_apply_takes_six_steps()
    {
        var (site, original) = await SiteWithWorkAsync();
        await using var _ = site;
        var steps = new List<string>();
        await site.ApplyAsync(steps.Add);
        Assert.Equal(["purged", "purged", "marked", "moved", "moved", "moved"], steps);
        await AssertFinishedAsync(site, original);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task An_apply_stopped_after_any_step_loses_no_file_and_the_next_apply_completes_it(int step)
    {
        var (site, original) = await SiteWithWorkAsync();
        await using var _ = site;
        var taken = 0;
        await Assert.ThrowsAsync<SimulatedCrash>(() => site.ApplyAsync(_ => { if (++taken == step) throw new SimulatedCrash(); }));
        AssertNoFileLost(site, original);

        await site.ApplyAsync();

        await AssertFinishedAsync(site, original);
        Assert.Empty(Assert.Single(await site.PlanAsync()).Decision.Pruned);
    }

    [Theory]
    [InlineData("restore-marked")]
    [InlineData("restore-moved")]
    public async Task A_restore_stopped_after_any_step_is_finished_by_the_next_apply(string step)
    {
        await using var site = await RetentionSite.CreateAsync();
        var job = await site.AddJobWithBackupsAsync(Agent, 6);
        var original = site.Files(site.Validated);
        await site.SetPolicyAsync(job.Id, "last=3");
        await site.ApplyAsync();
        var pruned = (await site.Site.EntriesAsync(job.Id)).First(e => e.PrunedAtUtc is not null);

        await Assert.ThrowsAsync<SimulatedCrash>(() => site.RestoreAsync(pruned.Id, s => { if (s == step) throw new SimulatedCrash(); }));
        Assert.Equal(original.Count, site.Files(site.Validated).Count + site.Files(site.Trash).Count);

        await site.ApplyAsync();

        var restored = (await site.Site.EntriesAsync(job.Id)).Single(e => e.Id == pruned.Id);
        Assert.Equal((null, null), (restored.PrunedAtUtc, restored.TrashPath));
        Assert.NotNull(restored.HeldAtUtc);
        Assert.Equal(original[pruned.ValidatedPath!], File.ReadAllBytes(Path.Combine(site.Validated, pruned.ValidatedPath!)));
        Assert.Equal(2, TestSite.FilesUnder(site.Trash).Count);
    }

    [Fact]
    public async Task Across_filesystems_a_pruned_file_is_copied_verified_and_its_source_removed()
    {
        await using var site = await RetentionSite.CreateAsync();
        var job = await site.AddJobWithBackupsAsync(Agent, 4);
        var original = site.Files(site.Validated);
        await site.SetPolicyAsync(job.Id, "last=2");
        site.Site.Faults.ForceCopy = true;
        try
        {
            Assert.Equal(2, (await site.ApplyAsync()).Pruned);
        }
        finally
        {
            site.Site.Faults.ForceCopy = false;
        }
        Assert.Equal(2, TestSite.FilesUnder(site.Validated).Count);
        foreach (var (path, bytes) in site.Files(site.Trash)) Assert.Equal(original[path], bytes);
    }

    [Fact]
    public async Task A_process_killed_in_the_middle_of_an_apply_loses_no_file_and_the_next_run_completes()
    {
        await using var site = await RetentionSite.CreateAsync();
        var job = await site.AddJobWithBackupsAsync(Agent, 10);
        var original = site.Files(site.Validated);
        await site.SetPolicyAsync(job.Id, "last=5");
        var environment = ProcessEnvironment(site.Site);

        // Killed after step 3 (entries marked, two files moved) by Environment.FailFast, as SIGKILL would.
        var crashed = await BackupMonitorProcess.RunAsync(new Dictionary<string, string>(environment) { ["BACKUPMONITOR_FAULT_CRASH_AT_RETENTION_STEP"] = "3" },
            "retention", "apply", "--format", "json");
        Assert.NotEqual(0, crashed.ExitCode);
        Assert.Equal(2, TestSite.FilesUnder(site.Trash).Count);
        Assert.Equal(original.Count, site.Files(site.Validated).Count + site.Files(site.Trash).Count);

        var next = await BackupMonitorProcess.RunAsync(environment, "retention", "apply", "--format", "json");
        Assert.Equal(0, next.ExitCode);
        var summary = JsonDocument.Parse(next.Output).RootElement;
        Assert.Equal((3, 0), (summary.GetProperty("finished").GetInt32(), summary.GetProperty("pruned").GetInt32())); // the moves the killed run left, nothing new
        var newestFirst = original.Keys.OrderDescending(StringComparer.Ordinal).ToList();
        Assert.Equal(newestFirst.Take(5).Order(), TestSite.FilesUnder(site.Validated));
        Assert.Equal(newestFirst.Skip(5).Order(), TestSite.FilesUnder(site.Trash));
        foreach (var (path, bytes) in site.Files(site.Trash)) Assert.Equal(original[path], bytes);
    }

    internal static Dictionary<string, string> ProcessEnvironment(TestSite site) => new()
    {
        ["BACKUP_ROOT"] = site.Root,
        ["DATABASE_PROVIDER"] = site.Settings.Database.Provider == DatabaseProvider.Postgres ? "postgres" : "sqlite",
        ["DATABASE_CONNECTION_STRING"] = site.Settings.Database.ConnectionString,
    };
}
