using BackupMonitor.Configuration;
using BackupMonitor.Files;

namespace BackupMonitor.Reports;

/// <summary>
/// Reads an agent's reports: finds every `*.json` report in `staging/&lt;agent&gt;/log/` and validates it, files only
/// (agents can be read in parallel), and says what it found for each. A broken report never stops the scan: it is
/// found <see cref="Found.Invalid"/>, and the scan files it in the quarantine.
/// </summary>
public sealed class ReportReader(StorageLayout layout, ScanOptions options, TimeProvider time)
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
        public sealed record Deferred(string Path) : Found(Path);
        /// <summary>Rejected (a link is never read: it is renamed as a link, its "content" is its target).</summary>
        public sealed record Invalid(string Path, string ContentSha256, IReadOnlyList<string> Problems, bool IsLink = false) : Found(Path);
        public sealed record Vanished(string Path) : Found(Path);
        public sealed record Unreadable(string Path, Exception Error) : Found(Path);
    }

    /// <summary>An agent's reports as read from staging, before any is counted or filed.</summary>
    internal sealed record AgentReports(string AgentId, IReadOnlyList<Found> Reports, string? SkippedLinkFolder = null, Exception? FolderError = null);

    /// <summary>
    /// Reads and validates an agent's reports: files only, so agents can be read in parallel. Never throws: an
    /// agent whose folder cannot be listed is returned with its error, and its reports wait for the next scan.
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
        if (FileLinks.TargetOf(info) is { } target)
            return new Found.Invalid(path, FileHasher.HashBytes(System.Text.Encoding.UTF8.GetBytes("symlink:" + target)),
                [$"file: is a symbolic link (to '{target}'); links under staging are never followed"], IsLink: true);
        if (time.GetUtcNow().UtcDateTime - info.LastWriteTimeUtc < TimeSpan.FromSeconds(options.MinFileAgeSeconds)) return new Found.Deferred(path);
        if (info.Length > StatusReportParser.MaxReportBytes)
        {
            return new Found.Invalid(path, FileHasher.Hash(path).Sha256,
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

    internal static bool IsLink(string path) => FileLinks.TargetOf(new FileInfo(path)) is not null;
}
