using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Files;
using BackupMonitor.Reports;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Scanning;

/// <summary>What a line's destination already holds, read before its files are touched (<see cref="LineFiles.Destination"/>).</summary>
/// <param name="RelativePath">Where the line's file goes in validated/ or quarantine/.</param>
/// <param name="ValidatedTaken">A file is already at that path in validated/.</param>
/// <param name="QuarantineTaken">A file is already at that path in quarantine/.</param>
/// <param name="UnreferencedValidated">Files at the path's candidates (`name-N.ext`) in validated/ that no entry references.</param>
/// <param name="UnreferencedQuarantined">The same in quarantine/.</param>
internal sealed record LineDestination(
    string RelativePath, bool ValidatedTaken, bool QuarantineTaken, IReadOnlyList<string> UnreferencedValidated, IReadOnlyList<string> UnreferencedQuarantined)
{
    public bool Taken(BackupArea area) => area == BackupArea.Validated ? ValidatedTaken : QuarantineTaken;
}

/// <summary>What became of a line's files.</summary>
internal abstract record LineOutcome
{
    /// <summary>Decided and filed: the entry to record, a copied staged file to remove once it is, the bytes hashed.</summary>
    public sealed record Decided(BackupEntry Entry, string? RemoveAfterCommit, long BytesVerified) : LineOutcome;
    /// <summary>Nothing to record (recorded already, or a repeat of an earlier line).</summary>
    public sealed record NothingToRecord : LineOutcome;
    /// <summary>Its files could not be handled: its report stays in staging for the next scan.</summary>
    public sealed record Failed(Exception Error) : LineOutcome;
}

/// <summary>
/// A line's file work (SPEC §4, §5): inspects the staged file, hashes and checks it in one read (copying it too when
/// validated/ is on another filesystem), decides the entry (<see cref="EntryDecision"/>) and where the file goes
/// (<see cref="FilePlacement"/>), and moves it. Files only, never the database: lines run in parallel. Files move
/// before the commit; a copy's source is removed only after it.
/// </summary>
public sealed class LineFiles(StorageLayout layout, ContentOptions content, FileMover mover, ILogger<LineFiles> logger)
{
    /// <summary>Test seam: runs with the staged path just before it is hashed (a file may vanish right there).</summary>
    internal Action<string>? BeforeHashing { get; set; }

    /// <summary>
    /// Whether each staging folder is on another filesystem than validated/, asked once per folder for the scan (this
    /// object lives for one scan) instead of two stat(2) per file (bench/README, issue 22 fourth session). A folder
    /// remounted during the scan costs nothing in safety: the move sees EXDEV and copies (<see cref="FileMover"/>).
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> crossing = new(StringComparer.Ordinal);

    /// <summary>Where a line's file goes and what is there already (file system only; the caller adds which files entries reference).</summary>
    internal (string Relative, List<string> Validated, List<string> Quarantined)? Destination(PlannedLine planned)
    {
        if (planned.Step != LineStep.Record || planned.Line.StagedFileName is not { } name) return null;
        var relative = StorageLayout.BackupRelativePath(planned.Job.AgentIdResponsible, planned.Job.DatabaseName, planned.Line.OperationTimestampUtc, name);
        return (relative, Existing(layout.Areas.Validated, relative), Existing(layout.Areas.Quarantine, relative));
    }

    private static List<string> Existing(string area, string relative) =>
        StorageLayout.Candidates(relative).TakeWhile(c => File.Exists(StorageLayout.Absolute(area, c))).ToList();

    internal async Task<LineOutcome> HandleAsync(PlannedLine planned, LineDestination? destination, CancellationToken cancellationToken)
    {
        try
        {
            switch (planned.Step)
            {
                case LineStep.AlreadyRecorded:
                    await RemoveLeftoverAsync(planned, planned.Recorded!, cancellationToken);
                    return new LineOutcome.NothingToRecord();
                case LineStep.RepeatsEarlierLine:
                    return new LineOutcome.NothingToRecord();
                default:
                    return await DecideAndFileAsync(planned.Job, planned.Line, destination, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever one line's files do, the other lines and agents go on.
            return new LineOutcome.Failed(e);
        }
    }

    private async Task<LineOutcome> DecideAndFileAsync(ExpectedBackupJob job, ReportLine line, LineDestination? destination, CancellationToken cancellationToken)
    {
        var staged = line.StagedFileName is null ? null : layout.StagedFile(job.AgentIdResponsible, line.StagedFileName);
        // Across filesystems, hash, check and copy share one read: the copy waits beside its destination for the verdict.
        var copy = line.Status == AgentLineStatus.Success && staged is not null && destination is { ValidatedTaken: false }
            && crossing.GetOrAdd(Path.GetDirectoryName(staged)!, folder => mover.CrossesFilesystems(folder, layout.Areas.Validated))
            ? StorageLayout.Absolute(layout.Areas.Validated, destination.RelativePath) + $".{Guid.NewGuid():N}.tmp"
            : null;
        var (state, copied) = await InspectAsync(staged, line, copy, cancellationToken);
        try
        {
            var entry = NewEntry(line);
            var bytes = state is StagedFile.Present present && line.Status == AgentLineStatus.Success ? present.Digest.Size : 0;
            if (state is StagedFile.Absent && destination is { ValidatedTaken: true } or { QuarantineTaken: true })
                state = await RecognizeEarlierMoveAsync(entry, line, destination, cancellationToken) ?? state;
            var verdict = ApplyVerdict(job, line, state, entry);
            string? removeAfterCommit = null;
            if (staged is not null && destination is not null && entry.ValidatedPath is null && entry.QuarantinePath is null)
                removeAfterCommit = await PlaceAsync(job, entry, verdict.Action, staged, destination, copied ? copy : null, cancellationToken);
            return new LineOutcome.Decided(entry, removeAfterCommit, bytes);
        }
        finally
        {
            if (copied) FileMover.TryDelete(copy!); // placed, or not wanted: never left behind
        }
    }

    /// <summary>Moves the staged file where <see cref="FilePlacement.Place"/> says; returns the staged path to remove after the commit when it was copied.</summary>
    private async Task<string?> PlaceAsync(
        ExpectedBackupJob job, BackupEntry entry, FileAction action, string staged, LineDestination destination, string? copy, CancellationToken cancellationToken)
    {
        if (action == FileAction.None) return null;
        var area = action == FileAction.Promote ? BackupArea.Validated : BackupArea.Quarantine;
        var (root, candidates) = area == BackupArea.Validated
            ? (layout.Areas.Validated, destination.UnreferencedValidated)
            : (layout.Areas.Quarantine, destination.UnreferencedQuarantined);
        var taken = destination.Taken(area);
        var unreferenced = taken ? await HashAllAsync(root, candidates, cancellationToken) : [];
        var stagedSha256 = taken ? entry.ServerCalculatedStagedHash ?? FileHasher.Hash(staged, cancellationToken).Sha256 : null;
        var placement = FilePlacement.Place(action, destination.RelativePath, taken, unreferenced, stagedSha256,
            taken ? StorageLayout.FreeRelativePath(root, destination.RelativePath) : destination.RelativePath);
        try
        {
            switch (placement)
            {
                case Placement.UseEarlierCopy reuse:
                    logger.LogInformation("Recognized {Area}/{Path}, copied by an interrupted scan; the staged copy will be removed", Path.GetFileName(root), reuse.RelativePath);
                    SetPath(entry, area, reuse.RelativePath);
                    return staged;
                case Placement.MoveTo move:
                    var target = StorageLayout.Absolute(root, move.RelativePath);
                    if (copy is not null && area == BackupArea.Validated && move.RelativePath == destination.RelativePath)
                    {
                        mover.PlaceCopy(copy, target);
                        SetPath(entry, area, move.RelativePath);
                        return staged;
                    }
                    var outcome = await mover.MoveAsync(staged, target, area == BackupArea.Validated ? entry.ServerCalculatedStagedHash : null, cancellationToken);
                    SetPath(entry, area, move.RelativePath);
                    return outcome == FileMover.Outcome.Copied ? staged : null;
                default:
                    return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not DestinationExistsException)
        {
            // A destination taken since it was read is not this line's failure to decide: the line is retried next scan.
            if (area == BackupArea.Validated)
            {
                logger.LogError("Promoting the backup of '{Db}' failed: {Error}", job.DatabaseName, e.Message);
                entry.Status = BackupEntryStatus.Failed;
                entry.ErrorMessage = EntryDecision.PromotionFailed(e.Message);
            }
            else
            {
                logger.LogError("Could not quarantine {Staged} for '{Db}': {Error}; it stays in staging", staged, job.DatabaseName, e.Message);
                entry.ErrorMessage += $" (mise en quarantaine impossible : {e.Message})";
            }
            return null;
        }
    }

    private static void SetPath(BackupEntry entry, BackupArea area, string relative)
    {
        if (area == BackupArea.Validated) entry.ValidatedPath = relative;
        else entry.QuarantinePath = relative;
    }

    /// <summary>
    /// After a crash between a rename and its commit, the staged file is gone but its copy is where this line would
    /// have put it, unreferenced by any entry: use it rather than calling the backup missing.
    /// </summary>
    private async Task<StagedFile?> RecognizeEarlierMoveAsync(BackupEntry entry, ReportLine line, LineDestination destination, CancellationToken cancellationToken)
    {
        var validated = line.Status == AgentLineStatus.Success ? await HashAllAsync(layout.Areas.Validated, destination.UnreferencedValidated, cancellationToken) : [];
        var quarantined = await HashAllAsync(layout.Areas.Quarantine, destination.UnreferencedQuarantined, cancellationToken);
        if (FilePlacement.RecognizeMoved(line, validated, quarantined, out var area) is not { } found) return null;
        logger.LogInformation("Recognized {Area}/{Path}, moved by an interrupted scan, for {Db} at {Time:o}",
            area == BackupArea.Validated ? "validated" : "quarantine", found.RelativePath, line.DbName, line.OperationTimestampUtc);
        SetPath(entry, area, found.RelativePath);
        return new StagedFile.Present(found.Digest);
    }

    private static async Task<List<Unreferenced>> HashAllAsync(string area, IReadOnlyList<string> candidates, CancellationToken cancellationToken)
    {
        var hashed = new List<Unreferenced>();
        foreach (var candidate in candidates)
            hashed.Add(new Unreferenced(candidate, FileHasher.Hash(StorageLayout.Absolute(area, candidate), cancellationToken)));
        return hashed;
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
            var (digest, copyError) = copyTo is null
                ? (content.CheckContent ? await FileHasher.HashAndCheckAsync(staged, cancellationToken) : FileHasher.Hash(staged, cancellationToken), null)
                : await FileHasher.HashAndCopyAsync(staged, copyTo, content.CheckContent, cancellationToken);
            // A copy that could not be written is no loss: the file is moved the usual way once decided.
            return (new StagedFile.Present(digest with { Content = digest.Content ?? ContentVerdict.Off }), copyTo is not null && copyError is null);
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

    /// <summary>A line already recorded whose staged file is still there: an earlier run copied it and stopped before removing it.</summary>
    private async Task RemoveLeftoverAsync(PlannedLine planned, BackupEntry existing, CancellationToken cancellationToken)
    {
        if (planned.Line.StagedFileName is null) return;
        var staged = layout.StagedFile(planned.Job.AgentIdResponsible, planned.Line.StagedFileName);
        var info = new FileInfo(staged);
        if (FileLinks.TargetOf(info) is not null || !info.Exists) return;
        var (area, relative) = existing.ValidatedPath is not null
            ? (layout.Areas.Validated, existing.ValidatedPath)
            : (layout.Areas.Quarantine, existing.QuarantinePath);
        if (relative is null) return;
        var stored = StorageLayout.Absolute(area, relative);
        if (!File.Exists(stored)) return;
        if (FileHasher.Hash(staged, cancellationToken) != FileHasher.Hash(stored, cancellationToken)) return;
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
}
