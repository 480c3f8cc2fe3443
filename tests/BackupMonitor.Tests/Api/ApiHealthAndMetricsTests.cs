using System.Net;

namespace BackupMonitor.Tests.Api;

public sealed class ApiHealthAndMetricsTests
{
    [Fact]
    public async Task Health_is_503_problem_when_the_database_cannot_be_opened()
    {
        var unusable = Directory.CreateTempSubdirectory("bm-api-notadb-").FullName; // a folder is no SQLite file
        await using var host = await ApiTestHost.StartAsync(
            changeSettings: s => { s["DATABASE_PROVIDER"] = "sqlite"; s["DATABASE_CONNECTION_STRING"] = $"Data Source={unusable}"; }, prepare: false);
        var response = await host.Anonymous.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var problem = await ApiTestHost.ProblemAsync(response);
        Assert.Equal("the database does not answer", problem.RootElement.GetProperty("detail").GetString());
        Directory.Delete(unusable, recursive: true);
    }

    [Fact]
    public async Task Health_is_503_when_the_database_file_has_no_schema()
    {
        var empty = Path.Combine(ApiTestHost.NewRoot(), "empty.db");
        await using var host = await ApiTestHost.StartAsync(
            changeSettings: s => { s["DATABASE_PROVIDER"] = "sqlite"; s["DATABASE_CONNECTION_STRING"] = $"Data Source={empty}"; }, prepare: false);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Anonymous.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Metrics_after_a_scan_give_every_series_in_prometheus_text()
    {
        await using var host = await ApiTestHost.StartAsync(changeSettings: s => s["ADMIN_EMAIL_RECIPIENT"] = "ops@backup.test");
        await host.CreateJobAsync(ApiTestHost.JobBody());
        host.Agents.WriteSuccessfulBackup("ACME_Paris_Centre", "sales", host.Now.AddMinutes(-2));
        Assert.Equal(HttpStatusCode.OK, (await host.Full.PostAsync("/api/scans", null)).StatusCode);

        var response = await host.Read.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var lines = text.Split('\n');
        Assert.Contains("# TYPE backupmonitor_jobs gauge", lines);
        Assert.Contains("backupmonitor_jobs{status=\"ok\"} 1", lines);
        Assert.Contains("backupmonitor_jobs{status=\"unknown\"} 0", lines);
        Assert.Contains("backupmonitor_entries{status=\"success\"} 1", lines);
        Assert.Contains("backupmonitor_deliveries{destination=\"admins\",state=\"pending\"} 0", lines);
        Assert.Contains("backupmonitor_deliveries{destination=\"admins\",state=\"failed\"} 0", lines);
        Assert.Contains("backupmonitor_jobs{status=\"corrupt\"} 0", lines);
        Assert.Contains("backupmonitor_entries{status=\"corrupt\"} 0", lines);
        Assert.Contains("backupmonitor_content_checks{result=\"skipped\"} 1", lines); // the staged text is no known format
        Assert.Contains("backupmonitor_content_checks{result=\"failed\"} 0", lines);
        Assert.Contains("backupmonitor_scans_total 1", lines);
        Assert.Contains("# TYPE backupmonitor_scan_duration_seconds histogram", lines);
        Assert.Contains("backupmonitor_scan_duration_seconds_count 1", lines);
        Assert.Contains(lines, l => l.StartsWith("backupmonitor_bytes_verified_total ") && double.Parse(l.Split(' ')[1]) > 0);
        var lastScan = double.Parse(lines.Single(l => l.StartsWith("backupmonitor_last_scan_timestamp_seconds ")).Split(' ')[1]);
        Assert.InRange(lastScan, host.Time.GetUtcNow().AddMinutes(-5).ToUnixTimeSeconds(), host.Time.GetUtcNow().AddMinutes(1).ToUnixTimeSeconds());
        Assert.DoesNotContain(ApiTestHost.FullKey, text);
    }
}
