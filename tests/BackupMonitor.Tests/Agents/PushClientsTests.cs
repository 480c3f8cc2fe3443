using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using BackupMonitor.Tests.Api;
using BackupMonitor.Tests.Scale;
using BackupMonitor.Tests.Support;

namespace BackupMonitor.Tests.Agents;

/// <summary>
/// Clients from outside the project against a real `serve` (SPEC §10): tus-js-client 4.3.1 run by node, the bash agent
/// (bash, curl, sha256sum, gzip), and two `serve` processes on one PostgreSQL sharing staging.
/// </summary>
public class PushClientsTests
{
    private static string TusClient => Path.Combine(PushProcesses.RepositoryRoot, "tests", "tus-client", "upload.js");

    [Fact]
    public async Task Tus_js_client_uploads_stops_and_resumes_against_a_real_serve()
    {
        await using var site = new PushProcesses();
        var url = await site.StartServeAsync();
        var tokenFile = await site.AddAgentAsync("ACME_Paris_Centre");
        var content = RandomNumberGenerator.GetBytes(20 << 20);
        var file = Path.Combine(site.Work, "sales.dump");
        await File.WriteAllBytesAsync(file, content);
        var endpoint = url + AgentPushSite.Uploads;

        var stopped = await PushProcesses.RunToolAsync("/usr/bin/node", TusClient, endpoint, tokenFile, file, "sales.dump", "--chunk", (4 << 20).ToString(), "--stop-after", (8 << 20).ToString());
        Assert.True(stopped.ExitCode == 0, stopped.Error);
        var location = stopped.Output.Trim();
        var part = Assert.Single(Directory.GetFiles(Path.Combine(site.Staging, "ACME_Paris_Centre", "database")));
        Assert.EndsWith(".part", part);
        Assert.InRange(new FileInfo(part).Length, 8 << 20, (20 << 20) - 1);

        var resumed = await PushProcesses.RunToolAsync("/usr/bin/node", TusClient, endpoint, tokenFile, file, "sales.dump", "--resume", location);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(location, resumed.Output.Trim());
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(site.Staging, "ACME_Paris_Centre", "database", "sales.dump")));
        // Another upload of the same name is refused by the server, as tus-js-client reports it.
        var again = await PushProcesses.RunToolAsync("/usr/bin/node", TusClient, endpoint, tokenFile, file, "sales.dump");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("409", again.Error);
    }

    [Fact]
    public async Task The_bash_agent_pushes_a_gzipped_dump_and_a_failure_to_a_real_serve()
    {
        await using var site = new PushProcesses();
        var url = await site.StartServeAsync();
        await site.AddJobAsync("ACME", "Paris", "Centre", "sales");
        await site.AddJobAsync("ACME", "Paris", "Centre", "orders");
        var tokenFile = await site.AddAgentAsync("ACME_Paris_Centre");
        var config = Path.Combine(site.Work, "agent.conf");
        await File.WriteAllTextAsync(config, $"""
            BM_SERVER={url}
            BM_AGENT_ID=ACME_Paris_Centre
            BM_TOKEN_FILE={tokenFile}
            BM_SPOOL={Path.Combine(site.Work, "bash-spool")}
            BM_RETRY_MINUTES=1
            BM_DATABASES=(sales orders)
            BM_COMMAND_sales=(sh -c "echo '-- PostgreSQL database dump'; seq 1 200000; echo '-- PostgreSQL database dump complete'")
            BM_EXTENSION_sales=sql
            BM_COMPRESS_sales=gzip
            BM_COMMAND_orders=(sh -c "echo 'mysqldump: Got error: 1045: Access denied' >&2; exit 2")
            BM_EXTENSION_orders=sql
            """);
        var script = Path.Combine(PushProcesses.RepositoryRoot, "agents", "backupmonitor-agent.sh");
        var check = await PushProcesses.RunToolAsync("bash", script, "check", config);
        Assert.True(check.ExitCode == 0, check.Output + check.Error);
        var run = await PushProcesses.RunToolAsync("bash", script, "run", config);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(site.Work, "bash-spool")));

        var sales = Assert.Single(await AgentProcessTests.ScanAndEntriesAsync(url, "sales"))!;
        Assert.Equal("success", (string?)sales["status"]);
        Assert.Equal("passed", (string?)sales["content_check"]);
        var orders = Assert.Single(await AgentProcessTests.ScanAndEntriesAsync(url, "orders"))!;
        Assert.Equal("failed", (string?)orders["status"]);
        Assert.Contains("Access denied", (string?)orders["error_message"]);
        Assert.DoesNotContain((await File.ReadAllTextAsync(tokenFile)).Trim(), site.ServerLogs() + run.Error + run.Output);
    }

    [Fact]
    public async Task Two_serve_processes_on_one_postgres_sharing_staging_finish_each_others_uploads()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var settings = ApiTestHost.DefaultSettings(ApiTestHost.NewRoot());
        settings["DATABASE_PROVIDER"] = "postgres";
        settings["DATABASE_CONNECTION_STRING"] = database.ConnectionString;
        await using var site = new PushProcesses(settings);
        var first = await site.StartServeAsync();
        var second = await site.StartServeAsync();
        var token = (await File.ReadAllTextAsync(await site.AddAgentAsync("ACME_Paris_Centre"))).Trim();
        HttpClient Client(string url)
        {
            var client = new HttpClient { BaseAddress = new Uri(url) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            client.DefaultRequestHeaders.Add("Tus-Resumable", "1.0.0");
            return client;
        }
        using var a = Client(first);
        using var b = Client(second);
        var content = RandomNumberGenerator.GetBytes(3 << 20);

        var location = await a.BeginAsync("sales.dump", content.Length);
        Assert.Equal(HttpStatusCode.NoContent, (await a.PatchAsync(location, 0, content[..(1 << 20)])).StatusCode);
        Assert.Equal(1 << 20, await b.OffsetAsync(location));
        // The second process knows the name is taken by a live upload, and refuses a wrong offset.
        Assert.Equal(HttpStatusCode.Conflict, (await b.CreateAsync("sales.dump", 10)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await b.PatchAsync(location, 0, content[..10])).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await b.PatchAsync(location, 1 << 20, content[(1 << 20)..], AgentPushSite.Sha256Checksum(content[(1 << 20)..]))).StatusCode);
        Assert.Equal(content.Length, await a.OffsetAsync(location));
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(site.Staging, "ACME_Paris_Centre", "database", "sales.dump")));
    }
}
