using BackupMonitor.Persistence;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Retention;

/// <summary>A restore that cannot be done (unknown entry, not in the trash, purged, job busy); the message says which.</summary>
public sealed class RetentionRequestException(string message) : Exception(message);

/// <summary>
/// `retention restore ENTRY_ID` (SPEC §14): brings a trashed file back to validated storage and holds it from then on
/// (rule `held`). Crash-safe like a prune, in the other direction: the entry is marked held (naming where the file
/// goes back), the file moved, then pruned_at_utc and trash_path cleared; any later apply finishes a marked restore.
/// </summary>
public sealed class RetentionRestore(RetentionStore store, TrashFiles files, TimeProvider time, Faults.FaultPoints faults, ILogger<RetentionRestore> logger)
{
    /// <summary>Returns the validated path the file is back at.</summary>
    public async Task<string> RestoreAsync(int entryId, CancellationToken cancellationToken)
    {
        var entry = await store.EntryAsync(entryId, cancellationToken) ?? throw new RetentionRequestException($"entry {entryId} not found");
        if (entry.PurgedAtUtc is { } purgedAt)
            throw new RetentionRequestException($"entry {entryId}: its file was purged from the trash at {Domain.Timestamps.Iso(purgedAt)}; it cannot be restored");
        if (entry.PrunedAtUtc is null || entry.TrashPath is null || entry.ValidatedPath is null)
            throw new RetentionRequestException($"entry {entryId} is not in the trash");
        var claimed = await store.ClaimJobsAsync([entry.ExpectedJobId], cancellationToken);
        if (claimed.Count == 0) throw new RetentionRequestException($"entry {entryId}: another process is applying retention to job {entry.ExpectedJobId}; try again when it is done");
        try
        {
            // Back where it was, unless a newer backup took that name; a prune stopped before its move left it there already.
            var target = entry.HeldAtUtc is not null || files.InValidated(entry.ValidatedPath) && !files.InTrash(entry.TrashPath)
                ? entry.ValidatedPath
                : files.FreeValidatedPath(entry.ValidatedPath);
            if (entry.HeldAtUtc is null) await store.MarkRestoringAsync(entryId, target, time.GetUtcNow().UtcDateTime, cancellationToken);
            faults.AfterRetentionStep?.Invoke("restore-marked");
            var moved = await files.BackFromTrashAsync(entry.TrashPath, target, new(entry.ServerCalculatedStagedHash, entry.ServerCalculatedStagedSize), cancellationToken);
            if (moved is not (TrashMove.Moved or TrashMove.AlreadyDone))
                throw new RetentionRequestException($"entry {entryId}: the file could not be brought back from the trash ({moved}); see the log");
            faults.AfterRetentionStep?.Invoke("restore-moved");
            await store.MarkRestoredAsync(entryId, cancellationToken);
            logger.LogInformation("Retention: entry {EntryId} restored from the trash to {ValidatedPath}; it is held from now on", entryId, target);
            return target;
        }
        finally
        {
            await store.ReleaseJobsAsync([entry.ExpectedJobId]);
        }
    }
}
