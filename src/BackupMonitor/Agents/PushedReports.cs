using System.Globalization;
using System.Text.Json;
using BackupMonitor.Files;
using BackupMonitor.Persistence;
using BackupMonitor.Reports;
using BackupMonitor.Uploads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Agents;

/// <summary>What became of a pushed report (SPEC §10), in the order the checks are made.</summary>
public abstract record PushedReport
{
    public sealed record Invalid(IReadOnlyList<string> Problems) : PushedReport;
    public sealed record OtherAgent(string AgentId) : PushedReport;
    public sealed record AlreadyReceived(string Name) : PushedReport;
    public sealed record SameTimestamp(string Detail) : PushedReport;
    public sealed record FilesIncomplete(IReadOnlyList<string> Problems) : PushedReport;
    public sealed record Accepted(string Name) : PushedReport;
}

/// <summary>
/// `POST /api/agent/v1/reports`: a STATUS.json checked at once with the scan's own parser and messages, then written
/// atomically into the agent's `log/` folder where the next scan reads it. The same bytes again answer the first
/// copy's name and write nothing.
/// </summary>
public sealed class PushedReports(BackupMonitorDbContext db, AgentStaging staging, ILogger<PushedReports> logger)
{
    public async Task<PushedReport> AcceptAsync(string agentId, byte[] bytes, CancellationToken cancellationToken)
    {
        // The scan checks agent_id against the folder a report sits in; here the folder is chosen by the report, and
        // the token decides afterwards (403 rather than 400).
        var parsed = StatusReportParser.Parse(bytes, ClaimedAgentId(bytes) ?? agentId);
        if (parsed.Report is not { } report) return new PushedReport.Invalid(parsed.Problems);
        if (report.AgentId != agentId) return new PushedReport.OtherAgent(report.AgentId);

        var logFolder = staging.LogFolder(agentId);
        var sha256 = FileHasher.HashBytes(bytes);
        if (await ReceivedAsync(agentId, logFolder, sha256, cancellationToken) is { } received) return new PushedReport.AlreadyReceived(received);

        var name = $"STATUS_{report.ReportTimestampUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.json";
        var path = Path.Combine(logFolder, name);
        if (AgentStaging.Taken(path)
            || await db.ProcessedReports.AnyAsync(r => r.AgentId == agentId && r.ReportTimestampUtc == report.ReportTimestampUtc, cancellationToken))
            return new PushedReport.SameTimestamp($"report_timestamp_utc: another report of agent '{agentId}' has {report.ReportTimestampUtc:yyyy-MM-ddTHH:mm:ssZ}; give each report its own time");

        var databaseFolder = staging.DatabaseFolder(agentId);
        var incomplete = report.Databases.Select((line, i) => (line, i))
            .Where(x => x.line.Status == AgentLineStatus.Success && !AgentStaging.IsCompleteFile(Path.Combine(databaseFolder, x.line.StagedFileName!)))
            .Select(x => $"databases[{x.i}].staged_file_name: '{x.line.StagedFileName}' is not a complete file in the agent's staging folder (upload it first, to its end)")
            .ToList();
        if (incomplete.Count > 0) return new PushedReport.FilesIncomplete(incomplete);

        // Atomic: the scan sees the whole report or nothing (a `.tmp` is never read), and nothing is overwritten.
        var temporary = Path.Combine(logFolder, $".{name}.{UploadStore.NewId()}.tmp");
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                await file.WriteAsync(bytes, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // The same report posted twice at once: the first one in wins; the second is the same or a conflict.
            File.Delete(temporary);
            return FileHasher.HashBytes(await File.ReadAllBytesAsync(path, cancellationToken)) == sha256
                ? new PushedReport.AlreadyReceived(name)
                : new PushedReport.SameTimestamp($"report_timestamp_utc: another report of agent '{agentId}' has this time");
        }
        logger.LogInformation("Agent {Agent} pushed report {Report} ({Lines} lines)", agentId, name, report.Databases.Count);
        return new PushedReport.Accepted(name);
    }

    /// <summary>The name of a report of this agent with these bytes: in staging still, or already processed by a scan.</summary>
    private async Task<string?> ReceivedAsync(string agentId, string logFolder, string sha256, CancellationToken cancellationToken)
    {
        foreach (var path in Directory.EnumerateFiles(logFolder, "*.json"))
        {
            var info = new FileInfo(path);
            if (FileLinks.TargetOf(info) is not null || info.Length > StatusReportParser.MaxReportBytes) continue;
            if (FileHasher.HashBytes(await File.ReadAllBytesAsync(path, cancellationToken)) == sha256) return info.Name;
        }
        return await db.ProcessedReports.AsNoTracking().Where(r => r.AgentId == agentId && r.ContentSha256 == sha256)
            .Select(r => r.FileName).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The report's own `agent_id` when it has a well-formed one, so the parser judges everything else.</summary>
    private static string? ClaimedAgentId(byte[] bytes)
    {
        var decoded = ReportEncoding.ToUtf8(bytes);
        if (decoded.Problem is not null) return null;
        try
        {
            using var document = JsonDocument.Parse(decoded.Utf8);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("agent_id", out var id) && id.ValueKind == JsonValueKind.String
                && Domain.Names.IsValidIdentifier(id.GetString()) ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
