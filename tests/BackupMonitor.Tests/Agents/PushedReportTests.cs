using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BackupMonitor.Tests.Api;
using BackupMonitor.Tests.Support;

namespace BackupMonitor.Tests.Agents;

/// <summary>`POST /api/agent/v1/reports` and `GET /api/agent/v1/jobs` (SPEC §10): the scan's rules, checked in the SPEC's order.</summary>
public class PushedReportTests
{
    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_pushed_report_of_an_uploaded_file_is_written_once_and_the_scan_validates_it()
    {
        await using var host = await ApiTestHost.StartAsync();
        await host.CreateJobAsync(ApiTestHost.JobBody());
        using var agent = host.AgentClient(await host.AddAgentAsync("ACME_Paris_Centre"));
        var content = Encoding.UTF8.GetBytes("-- dump\n" + new string('x', 5000));
        var hash = await agent.UploadAsync("sales_20261205T020000Z.sql", content);
        var report = ReportJson.Json("ACME_Paris_Centre", host.Now, ReportJson.Success("sales", host.Now.AddMinutes(-5), "sales_20261205T020000Z.sql", hash, content.Length));

        var accepted = await agent.PostAsync("/api/agent/v1/reports", Body(report));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var name = (string)JsonNode.Parse(await accepted.Content.ReadAsStringAsync())!["report"]!;
        Assert.Matches("^STATUS_\\d{8}T\\d{6}Z\\.json$", name);
        // The same bytes again: 200 with the same name, written once.
        var again = await agent.PostAsync("/api/agent/v1/reports", Body(report));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(name, (string)JsonNode.Parse(await again.Content.ReadAsStringAsync())!["report"]!);
        Assert.Equal([name], Directory.GetFiles(Path.Combine(host.Root, "staging", "ACME_Paris_Centre", "log")).Select(Path.GetFileName));

        // Files are stamped by the wall clock, the scan reads the fake one: the report is made to look settled.
        File.SetLastWriteTimeUtc(Path.Combine(host.Root, "staging", "ACME_Paris_Centre", "log", name), host.Now.AddMinutes(-1));
        var summary = await (await host.Full.PostAsync("/api/scans", null)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(1 == (int?)summary!["by_status"]!["success"], summary.ToJsonString() + string.Join(",", host.Db(db => db.Entries.Select(e => e.Status + ":" + e.ErrorMessage).ToList())));
        // Processed and archived: the same bytes are still recognised.
        var afterScan = await agent.PostAsync("/api/agent/v1/reports", Body(report));
        Assert.Equal(HttpStatusCode.OK, afterScan.StatusCode);
        Assert.Empty(Directory.GetFiles(Path.Combine(host.Root, "staging", "ACME_Paris_Centre", "log")));
    }

    [Fact]
    public async Task Reports_are_refused_in_the_specs_order_413_400_403_409_and_leave_nothing()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var agent = host.AgentClient(await host.AddAgentAsync("ACME_Paris_Centre"));
        await host.AddAgentAsync("ACME_Lyon_Nord");
        var logFolder = Path.Combine(host.Root, "staging", "ACME_Paris_Centre", "log");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await agent.PostAsync("/api/agent/v1/reports", Body(new string(' ', 1024 * 1024 + 1)))).StatusCode);

        var invalid = await agent.PostAsync("/api/agent/v1/reports", Body("{\"agent_id\": \"ACME_Paris_Centre\", \"databases\": [{\"db_name\": \"sales\", \"status\": \"success\"}]}"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var problem = await invalid.Content.ReadAsStringAsync();
        Assert.Contains("report_timestamp_utc: required, missing", problem);
        Assert.Contains("databases[0].staged_file_name", problem);
        Assert.Contains("databases[0].operation_timestamp_utc", problem);

        var forOther = ReportJson.Json("ACME_Lyon_Nord", host.Now, ReportJson.Failed("sales", host.Now, "disk full"));
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync("/api/agent/v1/reports", Body(forOther))).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(host.Root, "staging", "ACME_Lyon_Nord")));

        var notUploaded = ReportJson.Json("ACME_Paris_Centre", host.Now, ReportJson.Success("sales", host.Now, "sales.sql", new string('a', 64), 10),
            ReportJson.Success("orders", host.Now, "orders.sql", new string('b', 64), 10));
        var conflict = await agent.PostAsync("/api/agent/v1/reports", Body(notUploaded));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var detail = await conflict.Content.ReadAsStringAsync();
        Assert.Contains("sales.sql", detail);
        Assert.Contains("orders.sql", detail);
        Assert.Empty(Directory.GetFiles(logFolder));

        var first = ReportJson.Json("ACME_Paris_Centre", host.Now, ReportJson.Failed("sales", host.Now, "disk full"));
        Assert.Equal(HttpStatusCode.Accepted, (await agent.PostAsync("/api/agent/v1/reports", Body(first))).StatusCode);
        var sameTime = ReportJson.Json("ACME_Paris_Centre", host.Now, ReportJson.Failed("sales", host.Now, "another text"));
        Assert.Equal(HttpStatusCode.Conflict, (await agent.PostAsync("/api/agent/v1/reports", Body(sameTime))).StatusCode);
        Assert.Single(Directory.GetFiles(logFolder));
    }

    [Fact]
    public async Task Jobs_lists_the_agents_own_active_jobs_only()
    {
        await using var host = await ApiTestHost.StartAsync();
        await host.CreateJobAsync(ApiTestHost.JobBody("sales"));
        await host.CreateJobAsync(ApiTestHost.JobBody("orders"));
        await host.CreateJobAsync(ApiTestHost.JobBody("sales", city: "Lyon"));
        using var agent = host.AgentClient(await host.AddAgentAsync("ACME_Paris_Centre"));
        var jobs = JsonNode.Parse(await agent.GetStringAsync("/api/agent/v1/jobs"))!.AsArray();
        Assert.Equal(["orders", "sales"], jobs.Select(j => (string)j!["database_name"]!));
        Assert.All(jobs, j => Assert.Equal("ACME_Paris_Centre", (string?)j!["agent_id_responsible"]));
    }
}
