using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Files;
using BackupMonitor.Persistence;
using BackupMonitor.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Scanning;

/// <summary>
/// Phase 2 for one report line: inspects and verifies the staged file, decides the entry (SPEC §5),
/// promotes or quarantines the file, and records the entry. Files move before the commit; a copy's
/// source is removed only after it. A re-run recognizes what an interrupted run already moved.
/// </summary>
public sealed class LineProcessor(
    BackupMonitorDbContext db,
    StorageLayout layout,
    EntryRecorder recorder,
    ContentOptions content,
    ILogger<LineProcessor> logger)
{
    /// <summary>Test seam: runs with the staged path just before it is hashed (a file may vanish right there).</summary>
    internal Action<string>? BeforeHashing { get; set; }

    /// <summary>Returns the recorded entry, or null when this line was already recorded by an earlier scan.</summary>
    public async Task<BackupEntry?> ProcessAsync(ExpectedBackupJob job, ReportLine line, ScanSummary summary, CancellationToken cancellationToken)
    {
        var existing = await db.Entries.AsNoTracking().FirstOrDefaultAsync(
            e => e.ExpectedJobId == job.Id && e.AgentReportTimestampUtc == line.OperationTimestampUtc, cancellationToken);
        if (existing is not null)
        {
            await FinishLeftoverAsync(job, line, existing, cancellationToken);
            return null;
        }

        var staged = line.StagedFileName is null ? null : layout.StagedFile(job.AgentIdResponsible, line.StagedFileName);
        var (state, _) = await InspectAsync(staged, line, copyTo: null, cancellationToken);
        if (state is StagedFile.Present present && line.Status == AgentLineStatus.Success) summary.BytesVerified += present.Digest.Size;

        var entry = NewEntry(line);
        var relative = line.StagedFileName is null ? null
            : StorageLayout.BackupRelativePath(job.AgentIdResponsible, job.DatabaseName, line.OperationTimestampUtc, line.StagedFileName);

        if (state is StagedFile.Absent && relative is not null)
            state = await RecognizeEarlierMoveAsync(entry, line, relative, cancellationToken) ?? state;

        var verdict = ApplyVerdict(job, line, state, entry);
        string? removeAfterCommit = null;
        if (staged is not null && relative is not null && entry.ValidatedPath is null && entry.QuarantinePath is null)
        {
            switch (verdict.Action)
            {
                case FileAction.Promote:
                    removeAfterCommit = await PromoteAsync(job, entry, staged, relative, earlierCopies: true, cancellationToken);
                    break;
                case FileAction.Quarantine:
                    removeAfterCommit = await QuarantineAsync(job, entry, staged, relative, earlierCopies: true, cancellationToken);
                    break;
            }
        }

        LogVerdict(job, entry);
        await recorder.RecordAsync(job, entry, cancellationToken);
        if (removeAfterCommit is not null) File.Delete(removeAfterCommit);
        return entry;
    }

    /// <summary>
    /// The same work as <see cref="ProcessAsync"/> for a line not recorded yet, without the database, so that
    /// many lines can run in parallel: inspect, hash, decide, promote or quarantine. Returns null when the line
    /// needs the database (what an interrupted scan left behind must be recognized): then use ProcessAsync.
    /// The entry is not recorded; a copied staged file is to be removed only after it is.
    /// </summary>
    internal async Task<VerifiedLine?> VerifyAsync(ExpectedBackupJob job, ReportLine line, CancellationToken cancellationToken)
    {
        var staged = line.StagedFileName is null ? null : layout.StagedFile(job.AgentIdResponsible, line.StagedFileName);
        var relative = line.StagedFileName is null ? null
            : StorageLayout.BackupRelativePath(job.AgentIdResponsible, job.DatabaseName, line.OperationTimestampUtc, line.StagedFileName);
        // Across filesystems, hash, check and copy share one read: the copy waits beside its destination for the verdict.
        var copy = line.Status == AgentLineStatus.Success && staged is not null && relative is not null && Filesystems.Differ(staged, layout.Areas.Validated)
            ? StorageLayout.Absolute(layout.Areas.Validated, relative) + $".{Guid.NewGuid():N}.tmp"
            : null;
        var (state, copied) = await InspectAsync(staged, line, copy, cancellationToken);
        try
        {
            return await VerifyInspectedAsync(job, line, staged, relative, state, copied ? copy : null, cancellationToken);
        }
        finally
        {
            if (copied) FileMover.TryDelete(copy!); // placed, or not wanted: never left behind
        }
    }

    private async Task<VerifiedLine?> VerifyInspectedAsync(
        ExpectedBackupJob job, ReportLine line, string? staged, string? relative, StagedFile state, string? copy, CancellationToken cancellationToken)
    {
        // An absent file may have been moved by an interrupted scan: recognizing it needs the database.
        if (state is StagedFile.Absent && relative is not null
            && (File.Exists(StorageLayout.Absolute(layout.Areas.Validated, relative)) || File.Exists(StorageLayout.Absolute(layout.Areas.Quarantine, relative))))
            return null;

        var entry = NewEntry(line);
        var verdict = ApplyVerdict(job, line, state, entry);
        var bytes = state is StagedFile.Present present && line.Status == AgentLineStatus.Success ? present.Digest.Size : 0;
        string? removeAfterCommit = null;
        if (staged is not null && relative is not null && verdict.Action != FileAction.None)
        {
            try
            {
                removeAfterCommit = verdict.Action == FileAction.Promote
                    ? copy is not null ? PlaceCopy(job, entry, staged, copy, relative) : await PromoteAsync(job, entry, staged, relative, earlierCopies: false, cancellationToken)
                    : await QuarantineAsync(job, entry, staged, relative, earlierCopies: false, cancellationToken);
            }
            catch (DestinationExistsException)
            {
                // A file already at the destination may be an interrupted scan's work: only ProcessAsync may decide.
                return null;
            }
        }
        return new VerifiedLine(entry, removeAfterCommit, bytes);
    }

    /// <summary>Promotes with the copy made during the hashing read; the staged file is removed after the commit.</summary>
    private string? PlaceCopy(ExpectedBackupJob job, BackupEntry entry, string staged, string copy, string relative)
    {
        try
        {
            FileMover.PlaceCopy(copy, StorageLayout.Absolute(layout.Areas.Validated, relative));
            entry.ValidatedPath = relative;
            return staged;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not DestinationExistsException)
        {
            logger.LogError("Échec de la promotion de la sauvegarde pour '{Db}' : {Error}", job.DatabaseName, e.Message);
            entry.Status = BackupEntryStatus.Failed;
            entry.ErrorMessage = EntryDecision.PromotionFailed(e.Message);
            return null;
        }
    }

    /// <summary>A line verified and filed by <see cref="VerifyAsync"/>, waiting to be recorded.</summary>
    internal sealed record VerifiedLine(BackupEntry Entry, string? RemoveAfterCommit, long BytesVerified);

    private static Verdict ApplyVerdict(ExpectedBackupJob job, ReportLine line, StagedFile state, BackupEntry entry)
    {
        var verdict = EntryDecision.Decide(job.DatabaseName, line, state);
        entry.Status = verdict.Status;
        entry.ErrorMessage = verdict.ErrorMessage ?? entry.ErrorMessage;
        entry.HashComparisonResult = verdict.HashesDiffer;
        if (state is StagedFile.Present found && line.Status == AgentLineStatus.Success)
        {
            entry.ServerCalculatedStagedHash = found.Digest.Sha256;
            entry.ServerCalculatedStagedSize = found.Digest.Size;
            if (found.Digest.Content is { } checkedContent)
                (entry.ContentFormat, entry.ContentCheck, entry.ContentCheckDetail) = (checkedContent.Format, checkedContent.Result, checkedContent.Detail);
        }
        return verdict;
    }

    /// <summary>Looks at the staged file and, for a success, hashes and checks it (copying it to <paramref name="copyTo"/> when given).</summary>
    private async Task<(StagedFile State, bool Copied)> InspectAsync(string? staged, ReportLine line, string? copyTo, CancellationToken cancellationToken)
    {
        if (staged is null) return (new StagedFile.NotNamed(), false);
        var info = new FileInfo(staged);
        if (FileLinks.TargetOf(info) is { } target) return (new StagedFile.SymbolicLink(target), false);
        if (!info.Exists) return (new StagedFile.Absent(), false);
        if (line.Status != AgentLineStatus.Success) return (new StagedFile.Present(new FileHasher.Digest("", info.Length)), false);
        try
        {
            BeforeHashing?.Invoke(staged);
            var (digest, copied) = copyTo is null
                ? (await FileHasher.HashAsync(staged, content.CheckContent, cancellationToken), false)
                : await FileHasher.HashAndCopyAsync(staged, copyTo, content.CheckContent, cancellationToken);
            return (new StagedFile.Present(digest with { Content = digest.Content ?? ContentVerdict.Off }), copied);
        }
        catch (FileNotFoundException)
        {
            return (new StagedFile.Absent($"{EntryDecision.StagedFileMissing} Le fichier '{line.StagedFileName}' a disparu pendant le scan."), false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (new StagedFile.Unreadable(e.Message), false);
        }
    }

    /// <summary>
    /// After a crash between a rename and its commit, the staged file is gone but its copy is where this
    /// line would have put it, unreferenced by any entry: use it rather than calling the backup missing.
    /// </summary>
    private async Task<StagedFile?> RecognizeEarlierMoveAsync(BackupEntry entry, ReportLine line, string relative, CancellationToken cancellationToken)
    {
        var success = line.Status == AgentLineStatus.Success;
        foreach (var candidate in success ? await UnreferencedCandidatesAsync(layout.Areas.Validated, relative, quarantine: false, cancellationToken) : [])
        {
            var digest = await FileHasher.HashAsync(StorageLayout.Absolute(layout.Areas.Validated, candidate), cancellationToken);
            if (digest.Sha256 != line.HashSha256) continue;
            logger.LogInformation("Recognized validated/{Path}, promoted by an interrupted scan, for {Db} at {Time:o}", candidate, line.DbName, line.OperationTimestampUtc);
            entry.ValidatedPath = candidate;
            return new StagedFile.Present(digest);
        }
        foreach (var candidate in await UnreferencedCandidatesAsync(layout.Areas.Quarantine, relative, quarantine: true, cancellationToken))
        {
            var digest = await FileHasher.HashAsync(StorageLayout.Absolute(layout.Areas.Quarantine, candidate), cancellationToken);
            if (success && digest.Sha256 == line.HashSha256) continue;
            logger.LogInformation("Recognized quarantine/{Path}, quarantined by an interrupted scan, for {Db} at {Time:o}", candidate, line.DbName, line.OperationTimestampUtc);
            entry.QuarantinePath = candidate;
            return new StagedFile.Present(digest);
        }
        return null;
    }

    private async Task<List<string>> UnreferencedCandidatesAsync(string area, string relative, bool quarantine, CancellationToken cancellationToken)
    {
        var existing = StorageLayout.Candidates(relative).TakeWhile(c => File.Exists(StorageLayout.Absolute(area, c))).ToList();
        if (existing.Count == 0) return existing;
        var referenced = quarantine
            ? await db.Entries.Where(e => e.QuarantinePath != null && existing.Contains(e.QuarantinePath)).Select(e => e.QuarantinePath!).ToListAsync(cancellationToken)
            : await db.Entries.Where(e => e.ValidatedPath != null && existing.Contains(e.ValidatedPath)).Select(e => e.ValidatedPath!).ToListAsync(cancellationToken);
        return existing.Except(referenced).ToList();
    }

    /// <summary>Moves the staged file into validated/; returns the staged path to remove after the commit when it was copied.</summary>
    private async Task<string?> PromoteAsync(ExpectedBackupJob job, BackupEntry entry, string staged, string relative, bool earlierCopies, CancellationToken cancellationToken)
    {
        try
        {
            (entry.ValidatedPath, var removeAfterCommit) = await MoveIntoAsync(
                layout.Areas.Validated, quarantine: false, staged, relative, entry.ServerCalculatedStagedHash, earlierCopies, cancellationToken);
            return removeAfterCommit;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && !(e is DestinationExistsException && !earlierCopies))
        {
            logger.LogError("Échec de la promotion de la sauvegarde pour '{Db}' : {Error}", job.DatabaseName, e.Message);
            entry.Status = BackupEntryStatus.Failed;
            entry.ErrorMessage = EntryDecision.PromotionFailed(e.Message);
            return null;
        }
    }

    /// <summary>
    /// Moves the staged file into <paramref name="area"/> (or reuses the copy an interrupted run left there);
    /// returns where it went and the staged path to remove after the commit when it was copied.
    /// </summary>
    private async Task<(string Target, string? RemoveAfterCommit)> MoveIntoAsync(
        string area, bool quarantine, string staged, string relative, string? hash, bool earlierCopies, CancellationToken cancellationToken)
    {
        if (earlierCopies && await EarlierCopyAsync(area, relative, staged, hash, quarantine, cancellationToken) is { } copied)
            return (copied, staged);
        // Without earlier copies to look for, the destination is the line's own path or nothing: a file already
        // there makes the move throw DestinationExistsException, and the caller hands the line to ProcessAsync.
        var target = earlierCopies ? StorageLayout.FreeRelativePath(area, relative) : relative;
        var outcome = await FileMover.MoveAsync(staged, StorageLayout.Absolute(area, target), quarantine ? null : hash, cancellationToken);
        return (target, outcome == FileMover.Outcome.Copied ? staged : null);
    }

    /// <summary>
    /// After a crash between a cross-filesystem copy and its commit, the staged file is still there and its
    /// copy sits in <paramref name="area"/>, unreferenced: reuse that copy rather than making a `-1` duplicate.
    /// </summary>
    private async Task<string?> EarlierCopyAsync(string area, string relative, string staged, string? stagedSha256, bool quarantine, CancellationToken cancellationToken)
    {
        var candidates = await UnreferencedCandidatesAsync(area, relative, quarantine, cancellationToken);
        if (candidates.Count == 0) return null;
        stagedSha256 ??= (await FileHasher.HashAsync(staged, cancellationToken)).Sha256;
        foreach (var candidate in candidates)
        {
            var digest = await FileHasher.HashAsync(StorageLayout.Absolute(area, candidate), cancellationToken);
            if (digest.Sha256 != stagedSha256) continue;
            logger.LogInformation("Recognized {Area}/{Path}, copied by an interrupted scan; the staged copy will be removed", Path.GetFileName(area), candidate);
            return candidate;
        }
        return null;
    }

    private async Task<string?> QuarantineAsync(ExpectedBackupJob job, BackupEntry entry, string staged, string relative, bool earlierCopies, CancellationToken cancellationToken)
    {
        try
        {
            (entry.QuarantinePath, var removeAfterCommit) = await MoveIntoAsync(
                layout.Areas.Quarantine, quarantine: true, staged, relative, entry.ServerCalculatedStagedHash, earlierCopies, cancellationToken);
            return removeAfterCommit;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && !(e is DestinationExistsException && !earlierCopies))
        {
            logger.LogError("Could not quarantine {Staged} for '{Db}': {Error}; it stays in staging", staged, job.DatabaseName, e.Message);
            entry.ErrorMessage += $" (mise en quarantaine impossible : {e.Message})";
            return null;
        }
    }

    /// <summary>A line already recorded whose staged file is still there: an earlier run copied it and stopped before removing it.</summary>
    internal async Task FinishLeftoverAsync(ExpectedBackupJob job, ReportLine line, BackupEntry existing, CancellationToken cancellationToken)
    {
        if (line.StagedFileName is null) return;
        var staged = layout.StagedFile(job.AgentIdResponsible, line.StagedFileName);
        var info = new FileInfo(staged);
        if (FileLinks.TargetOf(info) is not null || !info.Exists) return;
        var (area, relative) = existing.ValidatedPath is not null
            ? (layout.Areas.Validated, existing.ValidatedPath)
            : (layout.Areas.Quarantine, existing.QuarantinePath);
        if (relative is null) return;
        var stored = StorageLayout.Absolute(area, relative);
        if (!File.Exists(stored)) return;
        var stagedDigest = await FileHasher.HashAsync(staged, cancellationToken);
        var storedDigest = await FileHasher.HashAsync(stored, cancellationToken);
        if (stagedDigest != storedDigest) return;
        logger.LogInformation("Staged {Staged} was already stored as {Stored} by entry {Id}; removing the staged copy", staged, stored, existing.Id);
        File.Delete(staged);
    }

    private static BackupEntry NewEntry(ReportLine line) => new()
    {
        AgentReportTimestampUtc = line.OperationTimestampUtc,
        AgentReportedHashSha256 = line.HashSha256,
        AgentReportedSizeBytes = line.SizeBytes,
        AgentCompressSizePreCompress = line.CompressSizePreCompress,
        AgentCompressSizePostCompress = line.CompressSizePostCompress,
        AgentTransferProcessStatus = line.AgentTransferProcessStatus,
        AgentTransferProcessStartTime = line.AgentTransferProcessStartTimeUtc,
        AgentTransferProcessTimestamp = line.AgentTransferProcessTimestampUtc,
        AgentTransferErrorMessage = line.AgentTransferErrorMessage,
        AgentStagedFileName = line.StagedFileName,
        AgentLogsSummary = line.LogsSummary,
    };

    internal void LogVerdict(ExpectedBackupJob job, BackupEntry entry)
    {
        switch (entry.Status)
        {
            case BackupEntryStatus.Success:
                logger.LogInformation("Fichier stagé pour '{Db}' validé avec succès (hachage et taille).", job.DatabaseName);
                if (entry.ErrorMessage is not null) logger.LogWarning("Job '{Db}' (ID: {Id}): {Warning}", job.DatabaseName, job.Id, entry.ErrorMessage);
                break;
            case BackupEntryStatus.Missing:
                logger.LogError("Fichier de sauvegarde manquant pour '{Db}' (ID: {Id}).", job.DatabaseName, job.Id);
                break;
            default:
                logger.LogWarning("Job '{Db}' (ID: {Id}) a un statut '{Status}'. Erreur: {Error}", job.DatabaseName, job.Id, entry.Status.ToLabel(), entry.ErrorMessage);
                break;
        }
    }
}
