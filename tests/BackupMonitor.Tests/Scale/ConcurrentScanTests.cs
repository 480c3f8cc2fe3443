using System.Text.Json;
using BackupMonitor.Tests.Notifications;

namespace BackupMonitor.Tests.Scale;

/// <summary>
/// Several BackupMonitor processes sharing one PostgreSQL database and one staging root (issue 5):
/// every report processed exactly once, every entry unique, every alert delivered once to each destination
/// its routes choose (issue 14), and a process killed mid-scan loses nothing.
/// </summary>
[Trait("Suite", "scale")]
public sealed class ConcurrentScanTests
{
    private const int Agents = 300;

    private static Dictionary<string, string> Environment(StagingTree tree, string connectionString) => new()
    {
        ["BACKUP_ROOT"] = tree.Root,
        ["DATABASE_PROVIDER"] = "postgres",
        ["DATABASE_CONNECTION_STRING"] = connectionString,
        ["SCAN_MIN_FILE_AGE_SECONDS"] = "0",
    };

    /// <summary>
    /// Starts scans that wait at a gate and opens it once all have reached it: they then really scan at once
    /// (a scan of this tree takes less time than the jitter of starting two processes).
    /// </summary>
    private static async Task<BackupMonitorProcess.Result[]> ScanAtOnceAsync(StagingTree tree, params Dictionary<string, string>[] environments)
    {
        var gate = Path.Combine(tree.Root, "start-gate");
        var processes = environments
            .Select(e => BackupMonitorProcess.Start(new Dictionary<string, string>(e) { ["BACKUPMONITOR_TEST_START_GATE"] = gate }, "scan", "--format", "json"))
            .ToList();
        try
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (Directory.EnumerateFiles(tree.Root, "start-gate.*.ready").Count() < processes.Count && DateTime.UtcNow < deadline && processes.All(p => !p.HasExited))
                await Task.Delay(20);
            File.WriteAllText(gate, "");
            return await Task.WhenAll(processes.Select(p => BackupMonitorProcess.WaitAsync(p, TimeSpan.FromMinutes(3))));
        }
        finally
        {
            foreach (var process in processes) process.Dispose();
        }
    }

    private static int EntriesCreated(BackupMonitorProcess.Result result) =>
        JsonDocument.Parse(result.Output).RootElement.GetProperty("entries_created").GetInt32();

    [Fact]
    public async Task Two_processes_scanning_at_once_process_every_report_exactly_once_and_share_the_work()
    {
        using var tree = new StagingTree(Agents, fileBytes: 64 * 1024);
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var smtp = await SmtpTestServer.StartAsync();
        var environment = Environment(tree, database.ConnectionString);
        environment["ALERT_DIGEST_THRESHOLD"] = "0"; // one message per alert here; digests have their own test below
        foreach (var (key, value) in smtp.Settings()) environment[key] = value!;
        Assert.Equal(0, (await BackupMonitorProcess.RunAsync(environment, "jobs", "import", tree.JobsCsv)).ExitCode);
        // Three more destinations, routed differently, on a real HTTP receiver.
        await using var receiver = await HttpReceiver.StartAsync();
        foreach (var args in new[]
        {
            new[] { "destinations", "add", "everything", "--kind", "webhook", "--target", receiver.BaseUrl + "/everything" },
            ["destinations", "add", "security", "--kind", "slack", "--target", receiver.BaseUrl + "/security"],
            ["destinations", "add", "first-hundred", "--kind", "ntfy", "--target", receiver.BaseUrl + "/first-hundred"],
            ["routes", "add", "--destination", "everything"],
            ["routes", "add", "--destination", "security", "--status", "hash_mismatch"],
            ["routes", "add", "--destination", "first-hundred", "--company", "Co00*"],
            ["routes", "add", "--destination", "first-hundred", "--agent", "*_City_*", "--database", "db", "--company", "Co00*"],
        })
            Assert.Equal(0, (await BackupMonitorProcess.RunAsync(environment, args)).ExitCode);

        var results = await ScanAtOnceAsync(tree, environment, environment);

        Assert.All(results, r => Assert.Equal(0, r.ExitCode));
        Assert.All(results, r => Assert.True(EntriesCreated(r) > 0, "each process should have done part of the work: " + r.Output));
        Assert.Equal(Agents, results.Sum(EntriesCreated));
        Assert.Equal(Agents, await database.ScalarAsync("SELECT count(*) FROM backup_entries"));
        Assert.Equal(Agents, await database.ScalarAsync("SELECT count(DISTINCT expected_job_id) FROM backup_entries"));
        Assert.Equal(tree.Corrupted, await database.ScalarAsync("SELECT count(*) FROM backup_entries WHERE status = 'hash_mismatch'"));
        Assert.Equal(Agents, await database.ScalarAsync("SELECT count(*) FROM processed_reports"));
        Assert.Equal(Agents - tree.Corrupted, tree.FilesUnder("validated"));
        Assert.Equal(tree.Corrupted, tree.FilesUnder("quarantine"));
        Assert.Equal(Agents, tree.FilesUnder("archive"));
        Assert.Equal(0, tree.FilesUnder("staging"));

        // Every alert (one per hash mismatch) reached the real SMTP server exactly once, from one process or the other.
        Assert.Equal(tree.Corrupted, await database.ScalarAsync("SELECT count(*) FROM notices"));
        Assert.Equal(tree.Corrupted, await database.ScalarAsync("SELECT count(*) FROM deliveries WHERE destination = 'admins' AND state = 'sent'"));
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM deliveries WHERE state <> 'sent'"));
        var subjects = smtp.Received().Select(m => m.Message.Subject).ToList();
        Assert.Equal(tree.Corrupted, subjects.Count);
        Assert.All(subjects, s => Assert.Equal("ALERTE SAUVEGARDE - db - HASH MISMATCH", s));
        Assert.Equal(tree.Corrupted, smtp.Received().Select(m => m.Message.TextBody!.Split('\n').First(l => l.Contains("Agent Responsable"))).Distinct().Count());

        // Each routed destination received each of its alerts once, whichever process sent it.
        var firstHundred = Enumerable.Range(0, 100).Count(StagingTree.IsCorrupted);
        Assert.Equal(tree.Corrupted * 4 - (tree.Corrupted - firstHundred), await database.ScalarAsync("SELECT count(*) FROM deliveries WHERE state = 'sent'"));
        var everything = receiver.At("/everything");
        Assert.Equal(tree.Corrupted, everything.Count);
        Assert.Equal(tree.Corrupted, everything.Select(r => r.Headers["X-BackupMonitor-Delivery"]).Distinct().Count());
        Assert.Equal(tree.Corrupted, everything.Select(r => (string)r.Json["job"]!["agent_id_responsible"]!).Distinct().Count());
        var security = receiver.At("/security").Select(r => (string)r.Json["text"]!).ToList();
        Assert.Equal(tree.Corrupted, security.Count);
        Assert.Equal(tree.Corrupted, security.Distinct().Count());
        var hundred = receiver.At("/first-hundred").Select(r => r.Text).ToList();
        Assert.Equal(firstHundred, hundred.Count);
        Assert.Equal(firstHundred, hundred.Distinct().Count());
        Assert.All(hundred, t => Assert.Contains("Agent : Co00", t));
    }

    [Fact]
    public async Task Two_processes_with_digests_on_put_every_alert_in_exactly_one_message_per_destination()
    {
        using var tree = new StagingTree(Agents, fileBytes: 16 * 1024);
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var smtp = await SmtpTestServer.StartAsync();
        var environment = Environment(tree, database.ConnectionString);
        environment["ALERT_DIGEST_THRESHOLD"] = "4";
        foreach (var (key, value) in smtp.Settings()) environment[key] = value!;
        Assert.Equal(0, (await BackupMonitorProcess.RunAsync(environment, "jobs", "import", tree.JobsCsv)).ExitCode);
        await using var receiver = await HttpReceiver.StartAsync();
        foreach (var args in new[]
        {
            new[] { "destinations", "add", "everything", "--kind", "webhook", "--target", receiver.BaseUrl + "/everything" },
            ["destinations", "add", "first-hundred", "--kind", "ntfy", "--target", receiver.BaseUrl + "/first-hundred"],
            ["routes", "add", "--destination", "everything"],
            ["routes", "add", "--destination", "first-hundred", "--company", "Co00*"],
        })
            Assert.Equal(0, (await BackupMonitorProcess.RunAsync(environment, args)).ExitCode);

        var results = await ScanAtOnceAsync(tree, environment, environment);

        Assert.All(results, r => Assert.Equal(0, r.ExitCode));
        var firstHundred = Enumerable.Range(0, 100).Count(StagingTree.IsCorrupted);
        var corruptAgents = Enumerable.Range(0, Agents).Where(StagingTree.IsCorrupted).Select(i => $"Co{i:0000}_City_Centre").ToList();
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM deliveries WHERE state <> 'sent'"));
        Assert.Equal(tree.Corrupted * 2 + firstHundred, await database.ScalarAsync("SELECT count(*) FROM deliveries"));
        Assert.True(await database.ScalarAsync("SELECT count(*) FROM digests") >= 3, "each destination got at least one digest");
        // A digest names only deliveries of its own destination, as many as it says it carried.
        Assert.Equal(0, await database.ScalarAsync(
            "SELECT count(*) FROM digests g WHERE g.count <> (SELECT count(*) FROM deliveries d WHERE d.digest_id = g.id AND d.destination = g.destination)"));

        // Messages per destination = its digests + its deliveries sent alone; every alert in exactly one of them.
        long Messages(string destination) => database.ScalarAsync(
            $"SELECT (SELECT count(*) FROM digests WHERE destination = '{destination}') + (SELECT count(*) FROM deliveries WHERE destination = '{destination}' AND digest_id IS NULL)").Result;
        var mails = smtp.Received().Select(m => m.Message).ToList();
        Assert.Equal(Messages("admins"), mails.Count);
        var mailedAgents = mails.SelectMany(m => m.Subject!.Contains("sauvegardes en échec")
            ? m.TextBody!.Split('\n').Where(l => l.Contains("| HASH_MISMATCH |")).Select(l => l.Split(" | ")[2])
            : m.TextBody!.Split('\n').Where(l => l.Contains("Agent Responsable")).Select(l => l.Split(':')[1].Trim())).ToList();
        Assert.Equal(corruptAgents, mailedAgents.Order());

        var hooks = receiver.At("/everything").Select(r => r.Json).ToList();
        Assert.Equal(Messages("everything"), hooks.Count);
        var hookedAgents = hooks.SelectMany(h => (string)h["event"]! == "digest"
            ? h["items"]!.AsArray().Select(i => (string)i!["job"]!["agent_id_responsible"]!)
            : [(string)h["job"]!["agent_id_responsible"]!]).ToList();
        Assert.Equal(corruptAgents, hookedAgents.Order());
        Assert.Equal(hooks.Count, receiver.At("/everything").Select(r => r.Headers["X-BackupMonitor-Delivery"]).Distinct().Count());

        var pushes = receiver.At("/first-hundred").Select(r => r.Text).ToList();
        Assert.Equal(Messages("first-hundred"), pushes.Count);
        var pushedAgents = pushes.SelectMany(t => t.Split('\n')).Select(l => System.Text.RegularExpressions.Regex.Match(l, "Co00[0-9]{2}_City_Centre"))
            .Where(m => m.Success).Select(m => m.Value).ToList();
        Assert.Equal(corruptAgents.Take(firstHundred), pushedAgents.Order());
    }

    [Fact]
    public async Task A_process_killed_between_promotion_and_commit_loses_nothing_and_the_next_scan_completes_everything()
    {
        using var tree = new StagingTree(Agents, fileBytes: 64 * 1024);
        await using var database = await PostgresTestDatabase.CreateAsync();
        var environment = Environment(tree, database.ConnectionString);
        Assert.Equal(0, (await BackupMonitorProcess.RunAsync(environment, "jobs", "import", tree.JobsCsv)).ExitCode);

        var crashing = new Dictionary<string, string>(environment) { ["BACKUPMONITOR_FAULT_CRASH_BEFORE_COMMIT"] = "25" };
        var results = await ScanAtOnceAsync(tree, crashing, environment);
        Assert.NotEqual(0, results[0].ExitCode); // it really died
        Assert.Equal(0, results[1].ExitCode);
        Assert.True(await database.ScalarAsync("SELECT count(*) FROM backup_entries") < Agents, "the killed process left work undone");

        var next = await BackupMonitorProcess.RunAsync(environment, "scan", "--format", "json");
        Assert.Equal(0, next.ExitCode);

        Assert.Equal(Agents, await database.ScalarAsync("SELECT count(*) FROM backup_entries"));
        Assert.Equal(Agents, await database.ScalarAsync("SELECT count(DISTINCT expected_job_id) FROM backup_entries"));
        Assert.Equal(Agents - tree.Corrupted, await database.ScalarAsync("SELECT count(*) FROM backup_entries WHERE status = 'success' AND validated_path IS NOT NULL"));
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM backup_entries WHERE status = 'missing'"));
        // No backup lost, none duplicated: every staged file is in exactly one place.
        Assert.Equal(Agents - tree.Corrupted, tree.FilesUnder("validated"));
        Assert.Equal(tree.Corrupted, tree.FilesUnder("quarantine"));
        Assert.Equal(Agents, tree.FilesUnder("archive"));
        Assert.Equal(0, tree.FilesUnder("staging"));
    }

    [Fact]
    public async Task On_sqlite_a_process_killed_between_promotion_and_commit_loses_nothing_and_duplicates_nothing()
    {
        using var tree = new StagingTree(40, fileBytes: 4096);
        var environment = new Dictionary<string, string>
        {
            ["BACKUP_ROOT"] = tree.Root,
            ["DATABASE_PROVIDER"] = "sqlite",
            ["SCAN_MIN_FILE_AGE_SECONDS"] = "0",
        };
        Assert.Equal(0, (await BackupMonitorProcess.RunAsync(environment, "jobs", "import", tree.JobsCsv)).ExitCode);

        var crashed = await BackupMonitorProcess.RunAsync(
            new Dictionary<string, string>(environment) { ["BACKUPMONITOR_FAULT_CRASH_BEFORE_COMMIT"] = "7" }, "scan");
        Assert.NotEqual(0, crashed.ExitCode);
        Assert.True(tree.FilesUnder("validated") >= 6, "files were promoted before the crash");
        // Entries commit a batch of agents at a time: those of batches before the crash's are in, the rest are not.
        var before = await BackupMonitorProcess.RunAsync(environment, "entries", "list", "--limit", "1000", "--format", "json");
        var committedBeforeCrash = JsonDocument.Parse(before.Output).RootElement.GetArrayLength();
        Assert.True(committedBeforeCrash < 7, "the 7th entry and the rest of its batch were not committed");

        var next = await BackupMonitorProcess.RunAsync(environment, "scan", "--format", "json");
        Assert.Equal(0, next.ExitCode);
        Assert.Equal(40 - committedBeforeCrash, EntriesCreated(next)); // what committed before the crash, the rest now

        var list = await BackupMonitorProcess.RunAsync(environment, "entries", "list", "--limit", "1000", "--format", "json");
        var entries = JsonDocument.Parse(list.Output).RootElement.EnumerateArray().ToList();
        Assert.Equal(40, entries.Count);
        Assert.Equal(40, entries.Select(e => e.GetProperty("expected_job_id").GetInt32()).Distinct().Count());
        Assert.DoesNotContain(entries, e => e.GetProperty("status").GetString() == "missing");
        Assert.Equal(40 - tree.Corrupted, tree.FilesUnder("validated"));
        Assert.Equal(tree.Corrupted, tree.FilesUnder("quarantine"));
        Assert.Equal(0, tree.FilesUnder("staging"));
    }
}
