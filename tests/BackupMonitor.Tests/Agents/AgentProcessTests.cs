using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BackupMonitor.Tests.Scale;
using Npgsql;

namespace BackupMonitor.Tests.Agents;

/// <summary>
/// The reference agent against a real `serve` (SPEC §10): a real PostgreSQL 15 dumped with `pg_dump -Fc` through the
/// agent, uploaded with tus, reported, scanned and validated; an agent killed mid-upload resumes.
/// </summary>
public class AgentProcessTests
{
    public static async Task<JsonArray> ScanAndEntriesAsync(string url, string database = "sales")
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Api.ApiTestHost.FullKey);
        for (var i = 0; i < 600; i++)
        {
            var response = await http.PostAsync("/api/scans", null);
            if (response.StatusCode != System.Net.HttpStatusCode.Conflict) { response.EnsureSuccessStatusCode(); break; }
            await Task.Delay(100);
        }
        var jobs = JsonNode.Parse(await http.GetStringAsync("/api/jobs"))!.AsArray();
        var job = jobs.Single(j => (string?)j!["database_name"] == database)!;
        return JsonNode.Parse(await http.GetStringAsync($"/api/jobs/{job["id"]}/entries"))!.AsArray();
    }

    [Fact]
    public async Task A_real_postgres_database_dumped_with_pg_dump_through_the_agent_is_validated_with_its_content_check_passed()
    {
        await using var source = await PostgresTestDatabase.CreateAsync();
        await using (var connection = new NpgsqlConnection(source.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "CREATE TABLE orders (id integer PRIMARY KEY, label text); INSERT INTO orders SELECT i, 'order ' || i FROM generate_series(1, 5000) i;", connection);
            await command.ExecuteNonQueryAsync();
        }
        var pg = new NpgsqlConnectionStringBuilder(source.ConnectionString);
        await using var site = new PushProcesses();
        var url = await site.StartServeAsync();
        await site.AddJobAsync("ACME", "Paris", "Centre", "sales");
        var tokenFile = await site.AddAgentAsync("ACME_Paris_Centre");
        var config = site.AgentConfig(url, "ACME_Paris_Centre", tokenFile, new
        {
            name = "sales", command = new[] { "pg_dump", "-Fc", "-h", pg.Host!, "-p", pg.Port.ToString(), "-U", pg.Username!, source.Name }, compress = "none", extension = "dump",
        });

        var check = await PushProcesses.RunAgentAsync("check", config);
        Assert.True(check.ExitCode == 0, check.Output + check.Error);
        var run = await PushProcesses.RunAgentAsync("run", config);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(site.Work, "ACME_Paris_Centre-spool")));

        var entry = Assert.Single(await ScanAndEntriesAsync(url))!;
        Assert.Equal("success", (string?)entry["status"]);
        Assert.Equal("passed", (string?)entry["content_check"]);
        Assert.Equal("pg_dump_custom", (string?)entry["content_format"]);
        Assert.Matches(new Regex(@"^ACME_Paris_Centre/sales/\d{8}T\d{6}Z_sales_\d{8}T\d{6}Z\.dump$"), (string?)entry["validated_path"]);

        // The token is in its own file only: in no log, and nowhere under the server's data.
        var token = (await File.ReadAllTextAsync(tokenFile)).Trim();
        Assert.DoesNotContain(token, site.ServerLogs() + run.Output + run.Error);
        Assert.DoesNotContain(Directory.GetFiles(site.Settings["BACKUP_ROOT"], "*", SearchOption.AllDirectories),
            f => !f.EndsWith(".dump") && File.ReadAllText(f).Contains(token));
    }

    [Fact]
    public async Task A_failing_command_gives_a_failed_line_with_the_end_of_its_stderr()
    {
        await using var site = new PushProcesses();
        var url = await site.StartServeAsync();
        await site.AddJobAsync("ACME", "Paris", "Centre", "sales");
        var tokenFile = await site.AddAgentAsync("ACME_Paris_Centre");
        var config = site.AgentConfig(url, "ACME_Paris_Centre", tokenFile, new
        {
            name = "sales", command = new[] { "sh", "-c", "echo partial; echo 'pg_dump: error: connection refused' >&2; exit 1" }, compress = "gzip", extension = "sql",
        });
        var run = await PushProcesses.RunAgentAsync("run", config);
        Assert.True(run.ExitCode == 0, run.Error);
        var entry = Assert.Single(await ScanAndEntriesAsync(url))!;
        Assert.Equal("failed", (string?)entry["status"]);
        Assert.Contains("pg_dump: error: connection refused", (string?)entry["error_message"]);
        Assert.Empty(Directory.GetFiles(Path.Combine(site.Staging, "ACME_Paris_Centre", "database")));
    }

    [Fact]
    public async Task An_agent_killed_mid_upload_resumes_from_the_servers_offset_and_the_backup_validates()
    {
        const long size = 256L << 20;
        await using var site = new PushProcesses();
        var url = await site.StartServeAsync();
        await site.AddJobAsync("ACME", "Paris", "Centre", "sales");
        var tokenFile = await site.AddAgentAsync("ACME_Paris_Centre");
        var big = new { name = "sales", command = new[] { "head", "-c", size.ToString(), "/dev/urandom" }, compress = "none", extension = "bin" };
        var config = site.AgentConfig(url, "ACME_Paris_Centre", tokenFile, big);

        var database = Path.Combine(site.Staging, "ACME_Paris_Centre", "database");
        using (var first = PushProcesses.StartAgent(config))
        {
            // Stopped (SIGSTOP, so it sends nothing more) once the server holds 5/8 of the file, then killed (SIGKILL).
            while (!first.HasExited && (Directory.Exists(database) ? Directory.GetFiles(database, "*.part").Sum(f => new FileInfo(f).Length) : 0) < size * 5 / 8)
                await Task.Delay(2);
            using (var stop = System.Diagnostics.Process.Start("kill", ["-STOP", first.Id.ToString()])) await stop.WaitForExitAsync();
            if (first.HasExited) Assert.Fail("the agent finished before it could be stopped: " + await first.StandardError.ReadToEndAsync());
            first.Kill();
            await first.WaitForExitAsync();
        }
        var parts = Directory.GetFiles(database);
        Assert.True(parts.Length == 1 && parts[0].EndsWith(".part"), "staging holds: " + string.Join(", ", parts.Select(Path.GetFileName)) + "\n" + site.ServerLogs());
        var name = Path.GetFileName(parts[0]).Split('.')[0] + ".bin";

        // The second run finishes the first one's upload before its own (a small dump this time).
        site.AgentConfig(url, "ACME_Paris_Centre", tokenFile, new { name = "sales", command = new[] { "echo", "small" }, compress = "none", extension = "bin" });
        var second = await PushProcesses.RunAgentAsync("run", config);
        Assert.True(second.ExitCode == 0, second.Error);
        var sent = long.Parse(Regex.Match(second.Error, $@"uploaded {Regex.Escape(name)}: {size} bytes, (\d+) sent by this run").Groups[1].Value);
        // At most the chunk in flight (16 MiB, dropped with its checksum) is sent again beyond the 3/8 left.
        Assert.True(sent < size / 2, $"the second run sent {sent} bytes of {size}:\n{second.Error}");
        Assert.Contains("resuming " + name, second.Error);

        var entries = await ScanAndEntriesAsync(url);
        var resumed = entries.Single(e => (string?)e!["agent_staged_file_name"] == name)!;
        Assert.Equal("success", (string?)resumed["status"]);
        Assert.Equal(size, (long)resumed["server_calculated_staged_size"]!);
    }
}
