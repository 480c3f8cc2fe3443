using System.Text.Json;
using BackupMonitor.Tests.Scale;

namespace BackupMonitor.Tests.Retention;

/// <summary>SPEC §14: apply is claimed per job across processes: two `retention apply` at once on PostgreSQL move each file once.</summary>
[Trait("Suite", "scale")]
public sealed class RetentionConcurrencyTests
{
    private const int Jobs = 450; // three pages of jobs, so that the two processes meet on more than one

    [Fact]
    public async Task Two_processes_applying_at_once_on_postgresql_move_each_file_once()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var site = await RetentionSite.CreateAsync(new()
        {
            ["DATABASE_PROVIDER"] = "postgres",
            ["DATABASE_CONNECTION_STRING"] = database.ConnectionString,
        });
        await site.AddJobsWithBackupsAsync(Enumerable.Range(1, Jobs).Select(i => $"Site{i:D4}").ToList(), nights: 4);
        var original = site.Files(site.Validated);
        var environment = RetentionCrashTests.ProcessEnvironment(site.Site);
        environment["RETENTION"] = "last=2";

        var gate = Path.Combine(site.Site.Root, "start-gate");
        var processes = Enumerable.Range(0, 2).Select(_ => BackupMonitorProcess.Start(
            new Dictionary<string, string>(environment) { ["BACKUPMONITOR_TEST_START_GATE"] = gate }, "retention", "apply", "--format", "json")).ToList();
        BackupMonitorProcess.Result[] results;
        try
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (Directory.EnumerateFiles(site.Site.Root, "start-gate.*.ready").Count() < 2 && DateTime.UtcNow < deadline && processes.All(p => !p.HasExited))
                await Task.Delay(20);
            File.WriteAllText(gate, "");
            results = await Task.WhenAll(processes.Select(p => BackupMonitorProcess.WaitAsync(p, TimeSpan.FromMinutes(3))));
        }
        finally
        {
            foreach (var process in processes) process.Dispose();
        }

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Error));
        var summaries = results.Select(r => JsonDocument.Parse(r.Output).RootElement).ToList();
        Assert.Equal(Jobs * 2, summaries.Sum(s => s.GetProperty("pruned").GetInt32())); // each file moved by one process only
        Assert.All(summaries, s => Assert.Equal((0, 0), (s.GetProperty("finished").GetInt32(), s.GetProperty("problems").GetInt32())));
        Assert.Equal(Jobs * 2, TestSite.FilesUnder(site.Trash).Count);
        Assert.Equal(Jobs * 2, TestSite.FilesUnder(site.Validated).Count);
        foreach (var (path, bytes) in site.Files(site.Trash)) Assert.Equal(original[path], bytes);
        Assert.Equal(Jobs * 2, await database.ScalarAsync("SELECT count(*) FROM backup_entries WHERE pruned_at_utc IS NOT NULL"));
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM expected_backup_jobs WHERE retention_claimed_by IS NOT NULL"));
    }
}
