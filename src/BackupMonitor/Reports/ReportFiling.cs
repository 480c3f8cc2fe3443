using System.Text;
using BackupMonitor.Domain;
using BackupMonitor.Files;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Reports;

/// <summary>
/// Where reports go and their moves: processed reports to the archive, invalid ones to the quarantine with an
/// `.error.txt` beside them. The scan records where a report goes before it leaves staging (<see cref="NewArchiveRecord"/>,
/// <see cref="NewQuarantineRecord"/>); a re-run finds that record (same agent, name and content) and finishes the
/// move instead of doing the work twice. Files only: the records are the scan store's.
/// </summary>
public sealed class ReportFiling(StorageLayout layout, FileMover mover, ILogger<ReportFiling> logger)
{
    /// <summary>The record of a valid report's move to the archive, to be committed before <see cref="MoveToRecordedPlaceAsync"/>.</summary>
    public ProcessedReport NewArchiveRecord(CollectedReport report, DateTime nowUtc) => new()
    {
        AgentId = report.AgentId,
        FileName = report.FileName,
        ContentSha256 = report.ContentSha256,
        ReportTimestampUtc = report.Report.ReportTimestampUtc,
        ReadAtUtc = nowUtc,
        Outcome = ReportOutcome.Valid,
        ArchivedPath = StorageLayout.FreeRelativePath(layout.Areas.Archive,
            StorageLayout.ArchiveRelativePath(report.AgentId, report.Report.ReportTimestampUtc, report.FileName)),
    };

    /// <summary>The record of an invalid report's move to the quarantine, to be committed before <see cref="QuarantineAsync"/>.</summary>
    public ProcessedReport NewQuarantineRecord(string agentId, string fileName, string contentSha256, IReadOnlyList<string> problems, DateTime nowUtc) => new()
    {
        AgentId = agentId,
        FileName = fileName,
        ContentSha256 = contentSha256,
        ReadAtUtc = nowUtc,
        Outcome = ReportOutcome.Invalid,
        Error = string.Join("; ", problems),
        QuarantinePath = StorageLayout.FreeRelativePath(layout.Areas.Quarantine, StorageLayout.QuarantinedReportRelativePath(agentId, fileName)),
    };

    /// <summary>Moves a report where its committed record says it goes.</summary>
    public async Task MoveToRecordedPlaceAsync(string filePath, string contentSha256, ProcessedReport record, CancellationToken cancellationToken)
    {
        var destination = record.ArchivedPath ?? record.QuarantinePath!;
        var area = record.ArchivedPath is not null ? layout.Areas.Archive : layout.Areas.Quarantine;
        await MoveRecordedAsync(filePath, area, destination, contentSha256, cancellationToken);
    }

    /// <summary>Writes the invalid report's `.error.txt` and moves it where its committed record says (a link is renamed as a link).</summary>
    public async Task QuarantineAsync(string agentId, string filePath, string contentSha256, IReadOnlyList<string> problems, bool isLink, ProcessedReport record, CancellationToken cancellationToken)
    {
        var fileName = Path.GetFileName(filePath);
        var destination = record.QuarantinePath ?? record.ArchivedPath!;
        var absolute = StorageLayout.Absolute(layout.Areas.Quarantine, destination);
        Directory.CreateDirectory(Path.GetDirectoryName(absolute)!);
        await File.WriteAllTextAsync(absolute + ".error.txt", ErrorText(agentId, fileName, record.ReadAtUtc, problems), PlainUtf8, cancellationToken);
        if (isLink)
        {
            // A link is renamed as a link, never read or copied; across filesystems it stays where it is.
            if (!mover.TryRename(filePath, absolute))
                logger.LogWarning("Report link {Path} cannot be renamed into the quarantine (another filesystem); left in staging", filePath);
            return;
        }
        await MoveRecordedAsync(filePath, layout.Areas.Quarantine, destination, contentSha256, cancellationToken);
    }

    private async Task MoveRecordedAsync(string source, string area, string relative, string contentSha256, CancellationToken cancellationToken)
    {
        var destination = StorageLayout.Absolute(area, relative);
        try
        {
            if (await mover.MoveAsync(source, destination, contentSha256, cancellationToken) == FileMover.Outcome.Copied)
                File.Delete(source);
        }
        catch (DestinationExistsException) when (File.Exists(destination))
        {
            // An earlier run copied it but stopped before removing the staged report.
            var existing = FileHasher.Hash(destination, cancellationToken);
            if (existing.Sha256 != contentSha256) throw new IOException($"'{destination}' already holds another file; '{source}' left in staging");
            logger.LogInformation("Report {Source} is already stored as {Destination}; removing the staged copy", source, destination);
            File.Delete(source);
        }
    }

    /// <summary>UTF-8 without a byte-order mark: the error files are read by people with any text tool.</summary>
    private static readonly UTF8Encoding PlainUtf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Where the error files send the operator: the README section that describes the report format.</summary>
    internal const string FormatReference = "see 'The agent's report: STATUS.json' in the BackupMonitor README";

    internal static string ErrorText(string agentId, string fileName, DateTime readAtUtc, IReadOnlyList<string> problems)
    {
        var text = new StringBuilder();
        text.AppendLine("BackupMonitor rejected this status report; nothing in it was recorded.");
        text.AppendLine($"File: {agentId}/log/{fileName}");
        text.AppendLine($"Read at: {readAtUtc:yyyy-MM-ddTHH:mm:ssZ}");
        text.AppendLine("Problems (field: rule):");
        foreach (var problem in problems) text.AppendLine($"  - {problem}");
        text.AppendLine($"Fix the agent's report and send it again; for the format (STATUS.json schema version 1, accepted encodings), {FormatReference}.");
        return text.ToString();
    }
}
