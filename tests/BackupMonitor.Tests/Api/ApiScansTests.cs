using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackupMonitor.Api;
using BackupMonitor.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Api;

public sealed class ApiScansTests
{
    [Fact]
    public async Task Post_scans_runs_a_scan_and_answers_its_summary()
    {
        await using var host = await ApiTestHost.StartAsync();
        var job = await host.CreateJobAsync(ApiTestHost.JobBody());
        host.Agents.WriteSuccessfulBackup("ACME_Paris_Centre", "sales", host.Now.AddMinutes(-2));

        var response = await host.Full.PostAsync("/api/scans", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(1, (int)summary["reports_read"]!);
        Assert.Equal(1, (int)summary["entries_created"]!);
        Assert.Equal(1, (int)summary["by_status"]!["success"]!);
        Assert.True((long)summary["bytes_verified"]! > 0);

        var entries = JsonNode.Parse(await host.Read.GetStringAsync($"/api/jobs/{job["id"]}/entries"))!.AsArray();
        var entry = Assert.Single(entries)!;
        Assert.Equal("success", (string?)entry["status"]);
        Assert.Equal("ok", (string?)JsonNode.Parse(await host.Read.GetStringAsync($"/api/jobs/{job["id"]}"))!["current_status"]);
    }

    [Fact]
    public async Task Scan_summary_and_entries_have_the_clis_json_shape()
    {
        await using var host = await ApiTestHost.StartAsync();
        var job = await host.CreateJobAsync(ApiTestHost.JobBody());
        host.Agents.WriteSuccessfulBackup("ACME_Paris_Centre", "sales", host.Now.AddMinutes(-3));
        var api = JsonNode.Parse(await (await host.Full.PostAsync("/api/scans", null)).Content.ReadAsStringAsync())!;
        var cli = JsonNode.Parse(await host.CliAsync("scan", "--format", "json"))!;
        Assert.Equal(Shape(cli), Shape(api));

        var apiEntries = await host.Read.GetStringAsync($"/api/jobs/{job["id"]}/entries?limit=10");
        var cliEntries = await host.CliAsync("entries", "list", "--job", job["id"]!.ToString(), "--limit", "10", "--format", "json");
        Assert.Equal(cliEntries.Trim(), apiEntries.Trim());
    }

    [Fact]
    public async Task Entries_limit_bounds_the_list_newest_first()
    {
        await using var host = await ApiTestHost.StartAsync();
        var job = await host.CreateJobAsync(ApiTestHost.JobBody());
        host.Agents.WriteSuccessfulBackup("ACME_Paris_Centre", "sales", host.Now.AddMinutes(-4));
        host.Agents.WriteSuccessfulBackup("ACME_Paris_Centre", "sales", host.Now.AddMinutes(-2));
        await host.Full.PostAsync("/api/scans", null);
        var all = JsonNode.Parse(await host.Read.GetStringAsync($"/api/jobs/{job["id"]}/entries"))!.AsArray();
        Assert.Equal(2, all.Count);
        var one = Assert.Single(JsonNode.Parse(await host.Read.GetStringAsync($"/api/jobs/{job["id"]}/entries?limit=1"))!.AsArray());
        Assert.Equal(all[0]!.ToJsonString(), one!.ToJsonString());
    }

    [Fact]
    public async Task Post_scans_while_a_scan_runs_is_409_and_the_running_scan_finishes()
    {
        var delivery = new HeldNoticeDelivery();
        await using var host = await ApiTestHost.StartAsync(services => services.AddSingleton<INoticeDelivery>(delivery));

        var first = host.Full.PostAsync("/api/scans", null);
        await delivery.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = await host.Full.PostAsync("/api/scans", null);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        using (var problem = await ApiTestHost.ProblemAsync(second))
            Assert.Equal(ScansApi.AlreadyRunning, problem.RootElement.GetProperty("detail").GetString());

        delivery.Release.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await first.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        Assert.Equal(1, host.Db(db => db.ScanRuns.Count()));
        Assert.Equal(HttpStatusCode.OK, (await host.Full.PostAsync("/api/scans", null)).StatusCode);
    }

    [Fact]
    public async Task Notifications_lists_the_outbox_one_row_per_delivery_with_state_and_destination_filters()
    {
        await using var host = await ApiTestHost.StartAsync();
        var job = await host.CreateJobAsync(ApiTestHost.JobBody());
        host.Agents.WriteSuccessfulBackup("ACME_Paris_Centre", "sales", host.Now.AddMinutes(-2));
        await host.Full.PostAsync("/api/scans", null);
        var created = new DateTime(2026, 11, 23, 2, 15, 0, DateTimeKind.Utc);
        host.Db(db =>
        {
            var entry = db.Entries.Single();
            var alert = new Notice { BackupEntryId = entry.Id, ExpectedJobId = entry.ExpectedJobId, Kind = NoticeKind.Alert, JobStatus = JobStatus.Failed, CreatedAtUtc = created };
            alert.Deliveries.Add(new Delivery { Destination = "admins", CreatedAtUtc = created, NextAttemptAtUtc = created.AddSeconds(30), Attempts = 1, LastError = "connection refused" });
            var recovery = new Notice { BackupEntryId = entry.Id, ExpectedJobId = entry.ExpectedJobId, Kind = NoticeKind.Recovery, JobStatus = JobStatus.Ok, PreviousJobStatus = JobStatus.Failed, CreatedAtUtc = created.AddMinutes(1) };
            recovery.Deliveries.Add(new Delivery { Destination = "ops", State = DeliveryState.Sent, CreatedAtUtc = created.AddMinutes(1), SentAtUtc = created.AddMinutes(2) });
            db.Notices.AddRange(alert, recovery);
            return db.SaveChanges();
        });

        var all = JsonNode.Parse(await host.Read.GetStringAsync("/api/notifications"))!.AsArray();
        Assert.Equal(["RÉTABLISSEMENT SAUVEGARDE - sales", "ALERTE SAUVEGARDE - sales - SUCCESS"], all.Select(n => (string)n!["subject"]!));
        Assert.Equal("ops", (string?)Assert.Single(JsonNode.Parse(await host.Read.GetStringAsync("/api/notifications?destination=ops"))!.AsArray())!["destination"]);
        var pending = Assert.Single(JsonNode.Parse(await host.Read.GetStringAsync("/api/notifications?state=pending"))!.AsArray())!;
        Assert.Equal(
            ["id", "notice_id", "kind", "destination", "state", "expected_job_id", "backup_entry_id", "subject", "attempts", "last_error",
             "created_at_utc", "next_attempt_at_utc", "last_attempt_at_utc", "sent_at_utc", "digest_id"],
            pending.AsObject().Select(p => p.Key));
        Assert.Equal("alert", (string?)pending["kind"]);
        Assert.Equal("pending", (string?)pending["state"]);
        Assert.Equal((int)job["id"]!, (int)pending["expected_job_id"]!);
        Assert.Equal("connection refused", (string?)pending["last_error"]);
        Assert.Equal("2026-11-23T02:15:30Z", (string?)pending["next_attempt_at_utc"]);
        Assert.Equal("recovery", (string?)Assert.Single(JsonNode.Parse(await host.Read.GetStringAsync("/api/notifications?state=sent"))!.AsArray())!["kind"]);
        Assert.Empty(JsonNode.Parse(await host.Read.GetStringAsync("/api/notifications?state=failed"))!.AsArray());

        // Keyset pages, newest first, with a Link to the next page while more remain.
        var first = await host.Read.GetAsync("/api/notifications?limit=1");
        Assert.Equal(["RÉTABLISSEMENT SAUVEGARDE - sales"], JsonNode.Parse(await first.Content.ReadAsStringAsync())!.AsArray().Select(n => (string)n!["subject"]!));
        var link = Assert.Single(first.Headers.GetValues("Link"));
        var next = System.Text.RegularExpressions.Regex.Match(link, "^<(.+)>; rel=\"next\"$").Groups[1].Value;
        Assert.Contains("limit=1", next);
        var second = await host.Read.GetAsync(next);
        Assert.Equal(["ALERTE SAUVEGARDE - sales - SUCCESS"], JsonNode.Parse(await second.Content.ReadAsStringAsync())!.AsArray().Select(n => (string)n!["subject"]!));
        Assert.False(second.Headers.Contains("Link"));
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Read.GetAsync("/api/notifications?limit=0")).StatusCode);
    }

    /// <summary>Property names and kinds, recursively: what a script relies on, not this run's values.</summary>
    private static string Shape(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.Select(p => $"{p.Key}:{Shape(p.Value)}")) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Shape)) + "]",
        JsonValue v => v.GetValueKind().ToString(),
        _ => "null",
    };
}
