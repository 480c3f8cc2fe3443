using BackupMonitor.Configuration;
using BackupMonitor.Files;
using BackupMonitor.Scanning;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Reports;

/// <summary>
/// Phase 1 of a scan: finds every `*.json` report in `staging/&lt;agent&gt;/log/`, validates it, and files
/// invalid ones in the quarantine. A broken report never stops the scan.
/// </summary>
public sealed class ReportCollector(StorageLayout layout, ScanOptions options, ReportFiling filing, TimeProvider time, ILogger<ReportCollector> logger)
{
    /// <summary>The agent folders present in staging (links are skipped: never followed).</summary>
    public IEnumerable<string> AgentFolders()
    {
        if (!Directory.Exists(layout.Areas.Staging)) return [];
        return Directory.EnumerateDirectories(layout.Areas.Staging).Select(Path.GetFileName).OfType<string>();
    }

    public async Task<IReadOnlyList<CollectedReport>> CollectAsync(string agentId, ScanSummary summary, CancellationToken cancellationToken)
    {
        var collected = new List<CollectedReport>();
        var agentFolder = Path.Combine(layout.Areas.Staging, agentId);
        var logFolder = layout.AgentLogFolder(agentId);
        if (!Directory.Exists(agentFolder)) return collected;
        if (IsLink(agentFolder) || IsLink(logFolder))
        {
            logger.LogWarning("Skipping {Folder}: it is a symbolic link, and links under staging are never followed", IsLink(agentFolder) ? agentFolder : logFolder);
            return collected;
        }
        if (!Directory.Exists(logFolder)) return collected;

        foreach (var path in Directory.EnumerateFiles(logFolder, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                var report = await ReadOneAsync(agentId, path, summary, cancellationToken);
                if (report is not null) collected.Add(report);
            }
            catch (FileNotFoundException)
            {
                logger.LogWarning("Report {Path} vanished while it was being read; it will be read by a later scan if it comes back", path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogError("Report {Path} could not be handled: {Error}; it stays in staging", path, e.Message);
            }
        }
        return collected;
    }

    private async Task<CollectedReport?> ReadOneAsync(string agentId, string path, ScanSummary summary, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        var fileName = info.Name;
        if (info.LinkTarget is { } target)
        {
            summary.ReportsRead++;
            summary.ReportsInvalid++;
            var problem = $"file: is a symbolic link (to '{target}'); links under staging are never followed";
            logger.LogWarning("Invalid report {Agent}/log/{File}: {Problem}", agentId, fileName, problem);
            await filing.QuarantineAsync(agentId, path, FileHasher.HashBytes(System.Text.Encoding.UTF8.GetBytes("symlink:" + target)), [problem], isLink: true, cancellationToken);
            return null;
        }
        if (time.GetUtcNow().UtcDateTime - info.LastWriteTimeUtc < TimeSpan.FromSeconds(options.MinFileAgeSeconds))
        {
            summary.ReportsDeferred++;
            logger.LogDebug("Report {Path} was modified less than {Seconds} s ago; left for a later scan", path, options.MinFileAgeSeconds);
            return null;
        }

        summary.ReportsRead++;
        StatusReportParser.Result result;
        string contentSha256;
        if (info.Length > StatusReportParser.MaxReportBytes)
        {
            contentSha256 = (await FileHasher.HashAsync(path, cancellationToken)).Sha256;
            result = new StatusReportParser.Result(null,
                [$"file: larger than 1 MiB ({info.Length} bytes); reports are limited to {StatusReportParser.MaxReportBytes} bytes"]);
        }
        else
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            contentSha256 = FileHasher.HashBytes(bytes);
            result = StatusReportParser.Parse(bytes, agentId);
        }

        if (result.Report is { } report) return new CollectedReport(agentId, path, fileName, contentSha256, report);

        summary.ReportsInvalid++;
        logger.LogWarning("Invalid report {Agent}/log/{File}: {Problems}; moved to the quarantine", agentId, fileName, string.Join("; ", result.Problems));
        await filing.QuarantineAsync(agentId, path, contentSha256, result.Problems, isLink: false, cancellationToken);
        return null;
    }

    internal static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;
}
