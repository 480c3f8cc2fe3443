using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

using BackupMonitor.Tests.Scale;
using BackupMonitor.Tests.Support;

namespace BackupMonitor.Tests.Api;

/// <summary>`backupmonitor serve` as operators run it: a real process on a loopback port, stopped with SIGTERM.</summary>
public sealed class ServeProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Serve_process_answers_over_a_real_socket_and_exits_0_on_sigterm()
    {
        var root = ApiTestHost.NewRoot();
        var port = Loopback.FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { BackupMonitorProcess.DllPath, "serve", "--urls", $"http://127.0.0.1:{port}" }) start.ArgumentList.Add(arg);
        foreach (var (key, value) in ApiTestHost.DefaultSettings(root)) start.Environment[key] = value;
        start.Environment["SCAN_INTERVAL_SECONDS"] = "3600";
        var log = new StringBuilder();
        using var server = Process.Start(start)!;
        server.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await BackupMonitorProcess.WaitUntilHealthyAsync(server, $"http://127.0.0.1:{port}", () => { lock (log) return log.ToString(); }, Deadline);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiTestHost.FullKey);

            // A separate process lives on the wall clock: the job, the backup and the report are stamped with it.
            var now = DateTime.UtcNow;
            var created = await http.PostAsJsonAsync("/api/jobs", ApiTestHost.JobBody(hour: now.Hour, minute: now.Minute));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var job = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
            new StagingWriter(Path.Combine(root, "staging"), TimeProvider.System).WriteSuccessfulBackup("ACME_Paris_Centre", "sales", now.AddMinutes(-2));

            // The scan serve runs at start may still be going: 409 says to try again.
            var summary = await ScanAsync(http);
            Assert.Equal(1, (int)summary["by_status"]!["success"]!);
            var entries = JsonNode.Parse(await http.GetStringAsync($"/api/jobs/{job["id"]}/entries"))!.AsArray();
            Assert.Equal("success", (string?)Assert.Single(entries)!["status"]);
            Assert.Contains("backupmonitor_scans_total", await http.GetStringAsync("/metrics"));

            using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString()])) await kill.WaitForExitAsync();
            using var exited = new CancellationTokenSource(Deadline);
            await server.WaitForExitAsync(exited.Token);
            server.WaitForExit(); // drains the output readers
            Assert.True(server.ExitCode == 0, $"exit code {server.ExitCode}; log:\n{log}");
            var text = log.ToString();
            Assert.Contains("Application is shutting down", text);
            Assert.DoesNotContain(ApiTestHost.FullKey, text);
            Assert.DoesNotContain(ApiTestHost.ReadKey, text);
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<JsonNode> ScanAsync(HttpClient http)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var response = await http.PostAsync("/api/scans", null);
            if (response.StatusCode != HttpStatusCode.Conflict)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            }
            Assert.True(DateTime.UtcNow < until, "a scan was still running at the deadline");
            await Task.Delay(100);
        }
    }
}
