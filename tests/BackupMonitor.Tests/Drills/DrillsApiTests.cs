using System.Net;
using System.Text.Json;
using BackupMonitor.Drills;
using BackupMonitor.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Drills;

/// <summary>`/api/jobs/{id}/drills` and `/api/drills` (SPEC §9, §13), on a tar backup (no drill server needed).</summary>
public sealed class DrillsApiTests
{
    [Fact]
    public async Task Posting_a_drill_answers_202_with_the_running_drill_and_its_location_and_409_without_a_validated_backup()
    {
        await using var host = await ApiTestHost.StartAsync();
        var job = (await host.CreateJobAsync(ApiTestHost.JobBody("files")))["id"]!.GetValue<int>();
        var empty = (await host.CreateJobAsync(ApiTestHost.JobBody("nothing")))["id"]!.GetValue<int>();
        using var files = new BackupMonitor.Tests.Content.BackupFiles();
        files.Text("a.txt", 2_000);
        files.Sh("tar cf site.tar a.txt");
        host.Agents.WriteSuccessfulBackup("ACME_Paris_Centre", "files", host.Now.AddMinutes(-20), await File.ReadAllBytesAsync(files.PathOf("site.tar")));
        await host.CliAsync("scan");

        Assert.Equal(HttpStatusCode.Forbidden, (await host.Read.PostAsync($"/api/jobs/{job}/drills", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await host.Full.PostAsync($"/api/jobs/{empty}/drills", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Full.PostAsync("/api/jobs/999/drills", null)).StatusCode);

        var started = await host.Full.PostAsync($"/api/jobs/{job}/drills", null);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        using (var running = JsonDocument.Parse(await started.Content.ReadAsStringAsync()))
        {
            Assert.Equal("running", running.RootElement.GetProperty("status").GetString());
            Assert.Equal($"/api/drills/{running.RootElement.GetProperty("id").GetInt32()}", started.Headers.Location?.ToString());
        }
        await host.App.Services.GetRequiredService<DrillService>().WhenIdleAsync();
        using var finished = JsonDocument.Parse(await host.Read.GetStringAsync(started.Headers.Location));
        Assert.Equal(("passed", "tar"), (finished.RootElement.GetProperty("status").GetString(), finished.RootElement.GetProperty("format").GetString()));
        using var ofJob = JsonDocument.Parse(await host.Read.GetStringAsync($"/api/jobs/{job}/drills"));
        Assert.Single(ofJob.RootElement.EnumerateArray());
        using var all = JsonDocument.Parse(await host.Read.GetStringAsync("/api/drills?status=passed"));
        Assert.Equal(job, Assert.Single(all.RootElement.EnumerateArray()).GetProperty("job_id").GetInt32());
        using var jobJson = JsonDocument.Parse(await host.Read.GetStringAsync($"/api/jobs/{job}"));
        Assert.Equal("passed", jobJson.RootElement.GetProperty("last_drill_status").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Read.GetAsync("/api/drills?status=nope")).StatusCode);
        Assert.Contains("backupmonitor_drills{status=\"passed\"} 1", await host.Read.GetStringAsync("/metrics"));
    }
}
