using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackupMonitor.Agent;

/// <summary>
/// `run --config FILE` (SPEC §10): first finishes what an earlier run left in the spool, then dumps every database
/// into a new run, uploads its files and posts its report. Exit 0 when every report was accepted, 1 otherwise.
/// </summary>
public sealed class RunCommand(AgentConfiguration configuration, HttpClient http, TimeProvider time, TextWriter log)
{
    private readonly Progress progress = Progress.ForStderr();
    private readonly Spool spool = new(configuration.SpoolDirectory);
    private long bytesSent;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(configuration.SpoolDirectory);
        foreach (var leftover in spool.UnsealedRuns())
        {
            await log.WriteLineAsync($"removing {Path.GetFileName(leftover)}: a run interrupted while dumping (its files are incomplete)");
            Directory.Delete(leftover, recursive: true);
        }
        foreach (var earlier in spool.SealedRuns())
        {
            await log.WriteLineAsync($"finishing the earlier run {Path.GetFileName(earlier)} first");
            if (!await FinishAsync(earlier, cancellationToken)) return Failed();
        }

        var run = spool.NewRun(time.GetUtcNow().UtcDateTime);
        var lines = new JsonArray();
        foreach (var database in configuration.Databases) lines.Add(await DumpAsync(database, run, cancellationToken));
        Spool.Seal(run, lines);
        if (!await FinishAsync(run, cancellationToken)) return Failed();
        await log.WriteLineAsync($"done: {bytesSent} bytes sent in uploads");
        return 0;
    }

    private int Failed()
    {
        log.WriteLine($"not done: the spool keeps what is not yet accepted; the next run finishes it ({bytesSent} bytes sent in uploads)");
        return 1;
    }

    private async Task<JsonObject> DumpAsync(DatabaseConfiguration database, string run, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow().UtcDateTime;
        var name = $"{database.Name}_{Spool.Stamp(started)}.{database.Extension}{database.Suffix}";
        var file = Path.Combine(run, name);
        await log.WriteLineAsync($"dumping {database.Name} into {name}");
        var result = await Dump.RunAsync(database, file, progress, cancellationToken);
        if (!result.Succeeded)
        {
            File.Delete(file);
            await log.WriteLineAsync($"dump of {database.Name} failed: {result.Error}");
            return new JsonObject
            {
                ["db_name"] = database.Name, ["status"] = "failed", ["operation_timestamp_utc"] = Spool.Iso(started),
                ["error_msg"] = result.Error, ["logs_summary"] = $"dump {result.Duration.TotalSeconds:0} s",
            };
        }
        return new JsonObject
        {
            ["db_name"] = database.Name, ["status"] = "success", ["operation_timestamp_utc"] = Spool.Iso(started),
            ["staged_file_name"] = name, ["hash_sha256"] = result.Sha256, ["size_bytes"] = result.Size,
            ["compress_size_pre_compress"] = result.PreCompress, ["compress_size_post_compress"] = result.PostCompress,
            ["logs_summary"] = $"dump {result.Duration.TotalSeconds:0} s ({database.Compress})",
        };
    }

    /// <summary>
    /// Now, to the second, but never the second of a report this process already wrote: finishing an interrupted run and
    /// making a new one can take less than a second, and the server refuses two reports of one agent with the same time.
    /// </summary>
    private DateTime NextReportTime()
    {
        var now = time.GetUtcNow().UtcDateTime;
        var at = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        if (lastReportTime is { } last && at <= last) at = last.AddSeconds(1);
        lastReportTime = at;
        return at;
    }

    private DateTime? lastReportTime;

    /// <summary>Uploads a sealed run's files, then posts its report; true when the server accepted it (the run folder is then removed).</summary>
    private async Task<bool> FinishAsync(string run, CancellationToken cancellationToken)
    {
        var reportPath = Path.Combine(run, Spool.Report);
        if (!File.Exists(reportPath))
        {
            var lines = Spool.Lines(run);
            var uploader = new TusUploader(http, TimeSpan.FromMinutes(configuration.RetryMinutes), progress, log);
            foreach (var line in lines.Select(l => l!.AsObject()).Where(l => (string?)l["status"] == "success"))
            {
                var name = (string)line["staged_file_name"]!;
                var started = time.GetUtcNow().UtcDateTime;
                var clock = Stopwatch.StartNew();
                try
                {
                    await uploader.UploadAsync(Path.Combine(run, name), name, cancellationToken);
                }
                catch (UploadException e)
                {
                    bytesSent += uploader.BytesSent;
                    await log.WriteLineAsync($"upload failed: {e.Message}");
                    return false;
                }
                line["agent_transfer_process_status"] = "completed";
                line["agent_transfer_process_start_time_utc"] = Spool.Iso(started);
                line["agent_transfer_process_timestamp_utc"] = Spool.Iso(time.GetUtcNow().UtcDateTime);
                line["logs_summary"] = $"{(string?)line["logs_summary"]}, upload {clock.Elapsed.TotalSeconds:0} s";
            }
            bytesSent += uploader.BytesSent;
            var report = new JsonObject
            {
                ["agent_id"] = configuration.AgentId,
                ["report_timestamp_utc"] = Spool.Iso(NextReportTime()),
                ["databases"] = lines.DeepClone(),
            };
            Spool.WriteAtomically(reportPath, JsonSerializer.SerializeToUtf8Bytes(report));
        }
        return await PostReportAsync(run, reportPath, cancellationToken);
    }

    private async Task<bool> PostReportAsync(string run, string reportPath, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(configuration.RetryMinutes);
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                using var content = new ByteArrayContent(await File.ReadAllBytesAsync(reportPath, cancellationToken));
                content.Headers.ContentType = new("application/json");
                using var response = await http.PostAsync(ServerClient.Route("reports"), content, cancellationToken);
                if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
                {
                    var name = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))?["report"];
                    await log.WriteLineAsync($"report accepted as {name}");
                    Directory.Delete(run, recursive: true);
                    return true;
                }
                var refusal = await TusUploader.RefusedAsync("report", response);
                if (!refusal.Retriable) { await log.WriteLineAsync($"report refused: {refusal.Message}"); return false; }
                throw refusal;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or UploadException && !cancellationToken.IsCancellationRequested)
            {
                if (DateTime.UtcNow + delay > until) { await log.WriteLineAsync($"report not sent: {e.Message}"); return false; }
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromSeconds(Math.Min(60, delay.TotalSeconds * 2));
            }
        }
    }
}
