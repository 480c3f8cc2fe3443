using System.Text;
using BackupMonitor.Domain;
using BackupMonitor.Files;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Reports;

/// <summary>
/// Moves processed reports to the archive and invalid ones to the quarantine. The database records where a
/// report goes before it leaves staging; a re-run finds that record (same agent, name and content) and
/// finishes the move instead of doing the work twice.
/// </summary>
public sealed class ReportFiling(BackupMonitorDbContext db, StorageLayout layout, TimeProvider time, ILogger<ReportFiling> logger)
{
    public async Task ArchiveAsync(CollectedReport report, CancellationToken cancellationToken)
    {
        var record = await FindAsync(report.AgentId, report.FileName, report.ContentSha256, cancellationToken);
        if (record is null)
        {
            record = NewArchiveRecord(report);
            await SaveAsync(record, cancellationToken);
        }
        await MoveToRecordedPlaceAsync(report, record, cancellationToken);
    }

    /// <summary>The records of these reports made by earlier scans (one query), by agent, file name and content.</summary>
    public async Task<Dictionary<(string AgentId, string FileName, string ContentSha256), ProcessedReport>> FindAllAsync(
        IReadOnlyCollection<CollectedReport> reports, CancellationToken cancellationToken)
    {
        if (reports.Count == 0) return [];
        var agents = reports.Select(r => r.AgentId).Distinct().ToList();
        var contents = reports.Select(r => r.ContentSha256).Distinct().ToList();
        await using var select = db.Command();
        select.CommandText = $"SELECT {db.AllColumns<ProcessedReport>()} FROM {db.Table<ProcessedReport>()} " +
            $"WHERE {select.In(db, db.Column<ProcessedReport>(nameof(ProcessedReport.AgentId)), "@agents", agents)} " +
            $"AND {select.In(db, db.Column<ProcessedReport>(nameof(ProcessedReport.ContentSha256)), "@contents", contents)}";
        var found = await select.ReadEntitiesAsync<ProcessedReport>(db, cancellationToken);
        return found.DistinctBy(r => (r.AgentId, r.FileName, r.ContentSha256)).ToDictionary(r => (r.AgentId, r.FileName, r.ContentSha256));
    }

    /// <summary>The record of a valid report's move to the archive, to be saved before <see cref="MoveToRecordedPlaceAsync"/>.</summary>
    public ProcessedReport NewArchiveRecord(CollectedReport report) => new()
    {
        AgentId = report.AgentId,
        FileName = report.FileName,
        ContentSha256 = report.ContentSha256,
        ReportTimestampUtc = report.Report.ReportTimestampUtc,
        ReadAtUtc = time.UtcNow(),
        Outcome = ReportOutcome.Valid,
        ArchivedPath = StorageLayout.FreeRelativePath(layout.Areas.Archive,
            StorageLayout.ArchiveRelativePath(report.AgentId, report.Report.ReportTimestampUtc, report.FileName)),
    };

    /// <summary>Moves a report where its saved record says it goes.</summary>
    public async Task MoveToRecordedPlaceAsync(CollectedReport report, ProcessedReport record, CancellationToken cancellationToken)
    {
        var destination = record.ArchivedPath ?? record.QuarantinePath!;
        var area = record.ArchivedPath is not null ? layout.Areas.Archive : layout.Areas.Quarantine;
        await MoveRecordedAsync(report.FilePath, area, destination, report.ContentSha256, cancellationToken);
    }

    public async Task QuarantineAsync(string agentId, string filePath, string contentSha256, IReadOnlyList<string> problems, bool isLink, CancellationToken cancellationToken)
    {
        var fileName = Path.GetFileName(filePath);
        var record = await FindAsync(agentId, fileName, contentSha256, cancellationToken);
        if (record is null)
        {
            var relative = StorageLayout.FreeRelativePath(layout.Areas.Quarantine, StorageLayout.QuarantinedReportRelativePath(agentId, fileName));
            record = new ProcessedReport
            {
                AgentId = agentId,
                FileName = fileName,
                ContentSha256 = contentSha256,
                ReadAtUtc = time.UtcNow(),
                Outcome = ReportOutcome.Invalid,
                Error = string.Join("; ", problems),
                QuarantinePath = relative,
            };
            await SaveAsync(record, cancellationToken);
        }
        var destination = record.QuarantinePath ?? record.ArchivedPath!;
        var absolute = StorageLayout.Absolute(layout.Areas.Quarantine, destination);
        Directory.CreateDirectory(Path.GetDirectoryName(absolute)!);
        await File.WriteAllTextAsync(absolute + ".error.txt", ErrorText(agentId, fileName, record.ReadAtUtc, problems), PlainUtf8, cancellationToken);
        if (isLink)
        {
            // A link is renamed as a link, never read or copied; across filesystems it stays where it is.
            if (!FileMover.TryRename(filePath, absolute))
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
            if (await FileMover.MoveAsync(source, destination, contentSha256, cancellationToken) == FileMover.Outcome.Copied)
                File.Delete(source);
        }
        catch (DestinationExistsException) when (File.Exists(destination))
        {
            // An earlier run copied it but stopped before removing the staged report.
            var existing = await FileHasher.HashAsync(destination, cancellationToken);
            if (existing.Sha256 != contentSha256) throw new IOException($"'{destination}' already holds another file; '{source}' left in staging");
            logger.LogInformation("Report {Source} is already stored as {Destination}; removing the staged copy", source, destination);
            File.Delete(source);
        }
    }

    private Task<ProcessedReport?> FindAsync(string agentId, string fileName, string contentSha256, CancellationToken cancellationToken) =>
        db.ProcessedReports.AsNoTracking().FirstOrDefaultAsync(
            r => r.AgentId == agentId && r.FileName == fileName && r.ContentSha256 == contentSha256, cancellationToken);

    private async Task SaveAsync(ProcessedReport record, CancellationToken cancellationToken)
    {
        db.ProcessedReports.Add(record);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            // Saved or not, the record must not stay tracked: a failed save would otherwise fail every later one.
            db.Entry(record).State = EntityState.Detached;
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
