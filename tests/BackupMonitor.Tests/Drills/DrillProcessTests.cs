using System.Text.Json;
using BackupMonitor.Tests.Scale;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BackupMonitor.Tests.Drills;

/// <summary>
/// Drills across processes (SPEC §13), with the real executable: a drill killed mid-restore leaves its database,
/// which the next drill run drops; two processes never drill the same backup at once; a drill server that could do
/// harm is refused at start; a drill that runs over DRILL_TIMEOUT_MINUTES is killed and fails.
/// </summary>
[Trait("Suite", "scale")]
[Collection(DrillServerFixture.Collection)]
public sealed class DrillProcessTests(DrillServerFixture server) : IClassFixture<DrillServerFixture>
{
    /// <summary>The fixture's plain dump with `SELECT pg_sleep(N);` in its middle: a restore that takes N seconds.</summary>
    private async Task<string> SleepingDumpAsync(int seconds)
    {
        var path = server.Files.PathOf($"sleep{seconds}.sql");
        if (!File.Exists(path))
            await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(server.Plain)).Replace("CREATE TABLE public.notes (", $"SELECT pg_sleep({seconds});\nCREATE TABLE public.notes ("));
        return path;
    }

    private static Dictionary<string, string> ProcessEnvironment(DrillSite site) =>
        site.Site.Environment.Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!);

    [Fact]
    public async Task A_drill_killed_mid_restore_leaves_its_database_and_the_next_drill_run_drops_it()
    {
        using var site = new DrillSite(server.ConnectionString);
        var job = await site.ValidatedBackupAsync("sales", await SleepingDumpAsync(300));
        var idle = await site.Site.AddJobAsync("idle");
        using var drilling = BackupMonitorProcess.Start(ProcessEnvironment(site), "drills", "run");
        string database;
        var error = drilling.StandardError.ReadToEndAsync();
        try
        {
            database = await RestoringDatabaseAsync(TimeSpan.FromMinutes(3), drilling);
        }
        finally
        {
            if (!drilling.HasExited) drilling.Kill(entireProcessTree: false); // psql is left running, as after a crash
            await drilling.WaitForExitAsync();
        }
        Assert.True(drilling.ExitCode != 0, $"drills run ended by itself: {await error}");
        Assert.Contains(database, await DrillServerFixture.DrillDatabasesAsync());

        Assert.Empty(await site.RunDrillsAsync(idle));

        Assert.DoesNotContain(database, await DrillServerFixture.DrillDatabasesAsync());
        var list = await site.Site.RunAsync("drills", "list", "--job", job.ToString(), "--format", "json");
        using var drills = JsonDocument.Parse(list.Out);
        var interrupted = Assert.Single(drills.RootElement.EnumerateArray());
        Assert.Equal("failed", interrupted.GetProperty("status").GetString());
        Assert.StartsWith("interrupted", interrupted.GetProperty("detail").GetString());
        Assert.Equal(database, $"bm_drill_{interrupted.GetProperty("id").GetInt32()}");
    }

    /// <summary>Waits until a drill database exists and psql sleeps in it; returns its name.</summary>
    private static async Task<string> RestoringDatabaseAsync(TimeSpan deadline, System.Diagnostics.Process drilling)
    {
        var until = DateTime.UtcNow + deadline;
        while (DateTime.UtcNow < until && !drilling.HasExited)
        {
            await using var connection = new NpgsqlConnection(PostgresTestDatabase.ServerConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT datname FROM pg_stat_activity WHERE datname LIKE 'bm\\_drill\\_%' AND query LIKE 'SELECT pg_sleep(%' LIMIT 1", connection);
            if (await command.ExecuteScalarAsync() is string name) return name;
            await Task.Delay(200);
        }
        throw new TimeoutException($"no drill started restoring within the deadline (drills run {(drilling.HasExited ? $"exited {drilling.ExitCode}" : "still runs")})");
    }

    [Fact]
    public async Task Two_processes_drilling_at_once_never_drill_the_same_backup_at_the_same_time()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        using var site = new DrillSite(server.ConnectionString, new Dictionary<string, string?>
        {
            ["DATABASE_PROVIDER"] = "postgres", ["DATABASE_CONNECTION_STRING"] = database.ConnectionString,
        });
        var dump = await SleepingDumpAsync(2);
        var jobs = new List<int>();
        foreach (var name in new[] { "sales", "hr", "stock" }) jobs.Add(await site.ValidatedBackupAsync(name, dump));

        var environment = ProcessEnvironment(site);
        using var first = BackupMonitorProcess.Start(environment, "drills", "run", "--format", "json");
        using var second = BackupMonitorProcess.Start(environment, "drills", "run", "--format", "json");
        var results = await Task.WhenAll(BackupMonitorProcess.WaitAsync(first, TimeSpan.FromMinutes(3)), BackupMonitorProcess.WaitAsync(second, TimeSpan.FromMinutes(3)));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Error));
        var list = await site.Site.RunAsync("drills", "list", "--limit", "100", "--format", "json");
        using var drills = JsonDocument.Parse(list.Out);
        var all = drills.RootElement.EnumerateArray().Select(d => (
            Entry: d.GetProperty("entry_id").GetInt32(), Job: d.GetProperty("job_id").GetInt32(), Status: d.GetProperty("status").GetString(),
            Start: d.GetProperty("started_at_utc").GetDateTime(), End: d.GetProperty("finished_at_utc").GetDateTime())).ToList();
        Assert.Equal(results.Sum(r => JsonDocument.Parse(r.Output).RootElement.GetArrayLength()), all.Count);
        Assert.All(all, d => Assert.Equal("passed", d.Status));
        Assert.Equal(jobs.Order(), all.Select(d => d.Job).Distinct().Order());
        foreach (var sameBackup in all.GroupBy(d => d.Entry))
        {
            var ordered = sameBackup.OrderBy(d => d.Start).ToList();
            for (var i = 1; i < ordered.Count; i++)
                Assert.True(ordered[i].Start >= ordered[i - 1].End, $"two drills of entry {sameBackup.Key} overlapped");
        }
    }

    [Fact]
    public async Task A_superuser_or_BackupMonitors_own_database_as_drill_server_is_refused_naming_the_setting()
    {
        using var superuser = new DrillSite(PostgresTestDatabase.ServerConnectionString);
        var refused = await superuser.Site.RunAsync("drills", "run");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("error: DRILL_POSTGRES_CONNECTION_STRING: the role 'postgres' is a superuser", refused.Err);

        await using var database = await PostgresTestDatabase.CreateAsync();
        var own = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database.Name }.ConnectionString;
        using var site = new DrillSite(own, new Dictionary<string, string?>
        {
            ["DATABASE_PROVIDER"] = "postgres", ["DATABASE_CONNECTION_STRING"] = database.ConnectionString,
        });
        var ours = await site.Site.RunAsync("drills", "run");
        Assert.Equal(1, ours.ExitCode);
        Assert.Contains("error: DRILL_POSTGRES_CONNECTION_STRING: ", ours.Err);
        Assert.Contains("BackupMonitor's", ours.Err);
    }

    [Fact]
    public async Task A_drill_that_runs_over_its_timeout_is_killed_fails_saying_so_and_leaves_nothing()
    {
        using var site = new DrillSite(server.ConnectionString);
        site.Site.Registrations.Add(services => services.AddSingleton(new BackupMonitor.Configuration.DrillOptions(server.ConnectionString, 7, 1, TimeSpan.FromSeconds(3))));
        var job = await site.ValidatedBackupAsync("sales", await SleepingDumpAsync(120));

        var drill = await site.RunDrillAsync(job);

        Assert.Equal(("failed", "timed out after 3 seconds"), (drill.GetProperty("status").GetString(), DrillSite.Detail(drill)));
        Assert.DoesNotContain($"bm_drill_{drill.GetProperty("id").GetInt32()}", await DrillServerFixture.DrillDatabasesAsync());
    }
}
