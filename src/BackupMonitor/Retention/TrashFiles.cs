using BackupMonitor.Configuration;
using BackupMonitor.Files;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Retention;

/// <summary>What a move between validated storage and the trash found or did.</summary>
public enum TrashMove { Moved, AlreadyDone, Missing, Blocked }

/// <summary>
/// The file work of retention (SPEC §14), never replacing a file: a pruned file to the trash under the same sub-path,
/// a restored one back, a purged one deleted. Each move can be run again after a crash at any point: a destination
/// already there (and no source) is a move already done; a source left beside its verified copy (a move across
/// filesystems stopped before the source was removed) is removed then.
/// </summary>
public sealed class TrashFiles(StorageOptions storage, FileMover mover, ILogger<TrashFiles> logger)
{
    /// <summary>The file an entry names: its SHA-256 and size as the scan measured them (a file of another size at its path is not it).</summary>
    public readonly record struct Expected(string? Sha256, long? Size);

    public Task<TrashMove> ToTrashAsync(string validatedPath, string trashPath, Expected file, CancellationToken cancellationToken) =>
        MoveAsync(StorageLayout.Absolute(storage.Validated, validatedPath), StorageLayout.Absolute(storage.Trash, trashPath), file, cancellationToken);

    public Task<TrashMove> BackFromTrashAsync(string trashPath, string validatedPath, Expected file, CancellationToken cancellationToken) =>
        MoveAsync(StorageLayout.Absolute(storage.Trash, trashPath), StorageLayout.Absolute(storage.Validated, validatedPath), file, cancellationToken);

    /// <summary>A trash path for a file pruned from <paramref name="validatedPath"/>: the same sub-path, or `-1`, `-2`… when taken (or chosen already in this run).</summary>
    public string FreeTrashPath(string validatedPath, ISet<string> chosen) =>
        StorageLayout.Candidates(validatedPath).First(c => !chosen.Contains(c) && !Path.Exists(StorageLayout.Absolute(storage.Trash, c)));

    /// <summary>Where a restored file goes: its old validated path, or `-1`, `-2`… when a newer backup took it.</summary>
    public string FreeValidatedPath(string validatedPath) => StorageLayout.FreeRelativePath(storage.Validated, validatedPath);

    public bool InValidated(string validatedPath) => File.Exists(StorageLayout.Absolute(storage.Validated, validatedPath));

    public bool InTrash(string trashPath) => File.Exists(StorageLayout.Absolute(storage.Trash, trashPath));

    /// <summary>Deletes a trashed file (false when it was already gone).</summary>
    public bool Purge(string trashPath)
    {
        var path = StorageLayout.Absolute(storage.Trash, trashPath);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    private async Task<TrashMove> MoveAsync(string source, string destination, Expected file, CancellationToken cancellationToken)
    {
        var sha256 = file.Sha256;
        var sourceThere = File.Exists(source);
        if (File.Exists(destination))
        {
            if (!sourceThere) return TrashMove.AlreadyDone;
            // Both there: a copy that finished before its source was removed, or another file at the destination.
            if (sha256 is not null && string.Equals(FileHasher.Hash(destination, cancellationToken).Sha256, sha256, StringComparison.OrdinalIgnoreCase)
                && string.Equals(FileHasher.Hash(source, cancellationToken).Sha256, sha256, StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(source);
                return TrashMove.AlreadyDone;
            }
            logger.LogError("Retention cannot move '{Source}': '{Destination}' holds another file; both are left as they are", source, destination);
            return TrashMove.Blocked;
        }
        if (!sourceThere)
        {
            logger.LogError("Retention cannot move '{Source}' to '{Destination}': the file is in neither place", source, destination);
            return TrashMove.Missing;
        }
        if (file.Size is { } size && new FileInfo(source).Length != size)
        {
            logger.LogError("Retention leaves '{Source}' where it is: it is not the file its entry names ({Size} bytes expected)", source, size);
            return TrashMove.Blocked;
        }
        try
        {
            if (await mover.MoveAsync(source, destination, sha256, cancellationToken) == FileMover.Outcome.Copied) File.Delete(source);
        }
        catch (DestinationExistsException)
        {
            return await MoveAsync(source, destination, file, cancellationToken);
        }
        return TrashMove.Moved;
    }
}
