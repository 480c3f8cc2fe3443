using BackupMonitor.Configuration;
using BackupMonitor.Files;
using BackupMonitor.Scanning;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Reports;

/// <summary>
/// Phase 1 of a scan: finds every `*.json` report in `staging/&lt;agent&gt;/log/` and validates it (<see cref="Read"/>,
/// files only, agents in parallel), then counts them and files invalid ones in the quarantine (<see cref="FileAsync"/>).
/// A broken report never stops the scan.
/// </summary>
public sealed class ReportCollector(StorageLayout layout, ScanOptions options, ReportFiling filing, TimeProvider time, ILogger<ReportCollector> logger)
{
    /// <summary>The agent folders present in staging (links are skipped: never followed).</summary>
    public IEnumerable<string> AgentFolders()
    {
        if (!Directory.Exists(layout.Areas.Staging)) return [];
        return Directory.EnumerateDirectories(layout.Areas.Staging).Select(Path.GetFileName).OfType<string>();
    }

    /// <summary>What reading one report file found.</summary>
    internal abstract record Found(string Path)
    {
        public sealed record Valid(CollectedReport Report) : Found(Report.FilePath);
        public sealed record Link(string Path, string Target) : Found(Path);
        public sealed record Deferred(string Path) : Found(Path);
        public sealed record Invalid(string Path, string ContentSha256, IReadOnlyList<string> Problems) : Found(Path);
        public sealed record Vanished(string Path) : Found(Path);
        public sealed record Unreadable(string Path, Exception Error) : Found(Path);
    }

    /// <summary>An agent's reports as read from staging, before any is counted or filed.</summary>
    internal sealed record AgentReports(string AgentId, IReadOnlyList<Found> Reports, string? SkippedLinkFolder = null, Exception? FolderError = null);

    /// <summary>
    /// Reads and validates an agent's reports: files only, so agents can be read in parallel. Never throws: an
    /// agent whose folder cannot be listed is logged by <see cref="FileAsync"/> and its reports wait for the next scan.
    /// </summary>
    internal AgentReports Read(string agentId)
    {
        try
        {
            return ReadFolder(agentId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new AgentReports(agentId, [], FolderError: e);
        }
    }

    private AgentReports ReadFolder(string agentId)
    {
        var agentFolder = Path.Combine(layout.Areas.Staging, agentId);
        var logFolder = layout.AgentLogFolder(agentId);
        if (!Directory.Exists(agentFolder)) return new AgentReports(agentId, []);
        if (IsLink(agentFolder) || IsLink(logFolder)) return new AgentReports(agentId, [], IsLink(agentFolder) ? agentFolder : logFolder);
        if (!Directory.Exists(logFolder)) return new AgentReports(agentId, []);

        var found = new List<Found>();
        foreach (var path in Directory.EnumerateFiles(logFolder, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                found.Add(ReadOne(agentId, path));
            }
            catch (FileNotFoundException)
            {
                found.Add(new Found.Vanished(path));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // I/O that may pass (a lock, a permission being fixed): the report waits for the next scan.
                found.Add(new Found.Unreadable(path, e));
            }
        }
        return new AgentReports(agentId, found);
    }

    private Found ReadOne(string agentId, string path)
    {
        var info = new FileInfo(path);
        if (FileLinks.TargetOf(info) is { } target) return new Found.Link(path, target);
        if (time.GetUtcNow().UtcDateTime - info.LastWriteTimeUtc < TimeSpan.FromSeconds(options.MinFileAgeSeconds)) return new Found.Deferred(path);
        if (info.Length > StatusReportParser.MaxReportBytes)
        {
            return new Found.Invalid(path, FileHasher.HashAsync(path).GetAwaiter().GetResult().Sha256,
                [$"file: larger than 1 MiB ({info.Length} bytes); reports are limited to {StatusReportParser.MaxReportBytes} bytes"]);
        }
        // Never opened when empty: a named pipe (FIFO) is 0 bytes long too, and opening it would wait for a writer forever.
        if (info.Length == 0) return new Found.Invalid(path, FileHasher.HashBytes([]), ["file: empty (0 bytes), or not a regular file; a report is a JSON object"]);
        var bytes = File.ReadAllBytes(path);
        var contentSha256 = FileHasher.HashBytes(bytes);
        StatusReportParser.Result result;
        try
        {
            result = StatusReportParser.Parse(bytes, agentId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The content broke the parser in a way no rule names: still this report's fault, never the scan's.
            return new Found.Invalid(path, contentSha256, [$"file: could not be read as a report ({e.GetType().Name}: {e.Message})"]);
        }
        return result.Report is { } report
            ? new Found.Valid(new CollectedReport(agentId, path, info.Name, contentSha256, report))
            : new Found.Invalid(path, contentSha256, result.Problems);
    }

    /// <summary>Counts and logs what <see cref="Read"/> found and files invalid reports in the quarantine; returns the valid ones.</summary>
    internal async Task<IReadOnlyList<CollectedReport>> FileAsync(AgentReports agent, ScanSummary summary, CancellationToken cancellationToken)
    {
        var agentId = agent.AgentId;
        if (agent.SkippedLinkFolder is { } folder)
            logger.LogWarning("Skipping {Folder}: it is a symbolic link, and links under staging are never followed", folder);
        if (agent.FolderError is { } folderError)
            logger.LogError("The reports of agent {Agent} could not be listed: {Error}; they stay in staging for the next scan", agentId, folderError.Message);
        var collected = new List<CollectedReport>();
        foreach (var found in agent.Reports)
        {
            var fileName = Path.GetFileName(found.Path);
            try
            {
                switch (found)
                {
                    case Found.Valid valid:
                        summary.ReportsRead++;
                        collected.Add(valid.Report);
                        break;
                    case Found.Link link:
                        summary.ReportsRead++;
                        summary.ReportsInvalid++;
                        var problem = $"file: is a symbolic link (to '{link.Target}'); links under staging are never followed";
                        logger.LogWarning("Invalid report {Agent}/log/{File}: {Problem}", agentId, fileName, problem);
                        await filing.QuarantineAsync(agentId, link.Path, FileHasher.HashBytes(System.Text.Encoding.UTF8.GetBytes("symlink:" + link.Target)), [problem], isLink: true, cancellationToken);
                        break;
                    case Found.Deferred:
                        summary.ReportsDeferred++;
                        logger.LogDebug("Report {Path} was modified less than {Seconds} s ago; left for a later scan", found.Path, options.MinFileAgeSeconds);
                        break;
                    case Found.Invalid invalid:
                        summary.ReportsRead++;
                        summary.ReportsInvalid++;
                        logger.LogWarning("Invalid report {Agent}/log/{File}: {Problems}; moved to the quarantine", agentId, fileName, string.Join("; ", invalid.Problems));
                        await filing.QuarantineAsync(agentId, invalid.Path, invalid.ContentSha256, invalid.Problems, isLink: false, cancellationToken);
                        break;
                    case Found.Vanished:
                        summary.ReportsRead++;
                        throw new FileNotFoundException(null, found.Path);
                    case Found.Unreadable unreadable:
                        summary.ReportsRead++;
                        throw unreadable.Error;
                }
            }
            catch (FileNotFoundException)
            {
                logger.LogWarning("Report {Path} vanished while it was being read; it will be read by a later scan if it comes back", found.Path);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Filing one report (a database or disk error while quarantining it) never stops the others.
                logger.LogError("Report {Path} could not be handled: {Error}; it stays in staging for the next scan", found.Path, e.GetBaseException().Message);
            }
        }
        return collected;
    }

    internal static bool IsLink(string path) => FileLinks.TargetOf(new FileInfo(path)) is not null;
}
