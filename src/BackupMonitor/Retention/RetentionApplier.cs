using BackupMonitor.Configuration;
using BackupMonitor.Persistence;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Retention;

/// <summary>What one `retention apply` did.</summary>
public sealed record RetentionRunSummary(int Jobs, int JobsLeftAsIs, int JobsRefused, int Pruned, long PrunedBytes, int Purged, int Finished, int Problems);

/// <summary>How far an apply has gone (shown on stderr on a terminal).</summary>
public readonly record struct RetentionProgress(int JobsDone, int JobsTotal, string CurrentJob);

/// <summary>
/// `retention apply` (SPEC §14), page of jobs after page, each job claimed first so that two processes never work on
/// the same job: finish what an earlier apply left marked (moves to the trash, restores), purge what has been in the
/// trash RETENTION_TRASH_DAYS, then plan with facts read now, mark the entries to prune (one transaction), and move
/// their files to the trash, never replacing a file. A process killed at any step loses no file: the next apply
/// finishes the marked moves.
/// </summary>
public sealed class RetentionApplier(
    RetentionStore store, RetentionPlanner planner, TrashFiles files, IRetentionWarnings warnings, RetentionOptions options, TimeProvider time,
    Faults.FaultPoints faults, ILogger<RetentionApplier> logger)
{
    /// <summary>After each step that changed the database or a file: `marked`, `moved`, `purged` (fault injection).</summary>
    private void Step(string step) => faults.AfterRetention(step);

    private int leftAsIs, refused, pruned, purged, finished, problems;
    private long prunedBytes;

    public async Task<RetentionRunSummary> ApplyAsync(int? maxPrunePercent, IProgress<RetentionProgress>? progress, CancellationToken cancellationToken)
    {
        await faults.WaitAtStartGateAsync(cancellationToken);
        var total = await store.JobCountAsync(cancellationToken);
        var done = 0;
        var afterId = 0;
        while (true)
        {
            var page = await store.JobsAsync(null, null, afterId, RetentionPlanner.PageSize, cancellationToken);
            if (page.Count == 0) break;
            afterId = page[^1].Id;
            var claimed = await store.ClaimJobsAsync(page.Select(j => j.Id).ToList(), cancellationToken);
            if (claimed.Count < page.Count)
                logger.LogInformation("Retention: {Count} jobs are being applied by another process; left to it", page.Count - claimed.Count);
            try
            {
                await ApplyPageAsync(page.Where(j => claimed.Contains(j.Id)).ToList(), maxPrunePercent, cancellationToken);
            }
            finally
            {
                await store.ReleaseJobsAsync(claimed);
            }
            done += page.Count;
            progress?.Report(new RetentionProgress(done, total, $"{page[^1].AgentIdResponsible}/{page[^1].DatabaseName}"));
        }
        var summary = new RetentionRunSummary(done, leftAsIs, refused, pruned, prunedBytes, purged, finished, problems);
        logger.LogInformation("Retention applied to {Jobs} jobs: {Pruned} backups pruned to the trash ({Bytes} bytes), {Purged} purged, {Finished} interrupted moves finished, {LeftAsIs} jobs left as they are ({Refused} over the limit), {Problems} problems",
            summary.Jobs, summary.Pruned, summary.PrunedBytes, summary.Purged, summary.Finished, summary.JobsLeftAsIs, summary.JobsRefused, summary.Problems);
        return summary;
    }

    private async Task ApplyPageAsync(List<Domain.ExpectedBackupJob> jobs, int? maxPrunePercent, CancellationToken cancellationToken)
    {
        if (jobs.Count == 0) return;
        var ids = jobs.Select(j => j.Id).ToList();
        await FinishAndPurgeAsync(ids, cancellationToken);

        var plans = await planner.PlanPageAsync(jobs, maxPrunePercent, cancellationToken);
        var marks = new List<(int EntryId, string TrashPath, Persistence.StoredBackup Backup)>();
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var plan in plans)
        {
            if (plan.Decision.LeftAsIs is not null && !plan.Policy.KeepsEverything) leftAsIs++;
            if (plan.Decision.Refused)
            {
                refused++;
                logger.LogWarning("Retention refused for job {JobId} ({Agent}/{Database}): {Reason}", plan.Job.Id, plan.Job.AgentIdResponsible, plan.Job.DatabaseName, plan.Decision.LeftAsIs);
                await warnings.RefusedAsync(plan, cancellationToken);
            }
            foreach (var verdict in plan.Decision.Pruned)
            {
                var backup = plan.Backups[verdict.Backup.EntryId];
                var trashPath = files.FreeTrashPath(backup.ValidatedPath, chosen);
                chosen.Add(trashPath);
                marks.Add((backup.EntryId, trashPath, backup));
            }
        }
        if (marks.Count == 0) return;
        await store.MarkPrunedAsync(marks.Select(m => (m.EntryId, m.Backup.JobId, m.TrashPath)).ToList(), time.GetUtcNow().UtcDateTime, maxPrunePercent, cancellationToken);
        Step("marked");
        foreach (var (_, trashPath, backup) in marks)
        {
            var moved = await files.ToTrashAsync(backup.ValidatedPath, trashPath, new(backup.Sha256, backup.SizeBytes), cancellationToken);
            if (moved is TrashMove.Moved or TrashMove.AlreadyDone)
            {
                pruned++;
                prunedBytes += backup.SizeBytes ?? 0;
            }
            else problems++;
            Step("moved");
        }
    }

    /// <summary>Finishes the moves an interrupted apply or restore left marked, then purges what has been in the trash long enough.</summary>
    private async Task FinishAndPurgeAsync(IReadOnlyCollection<int> jobIds, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var trashed in await store.InTrashAsync(jobIds, cancellationToken))
        {
            if (trashed.HeldAtUtc is not null)
            {
                // A restore that stopped after its mark: bring the file back, as `retention restore` would have.
                var back = await files.BackFromTrashAsync(trashed.TrashPath, trashed.ValidatedPath, new(trashed.Sha256, trashed.SizeBytes), cancellationToken);
                if (back == TrashMove.Moved) finished++;
                if (back is TrashMove.Moved or TrashMove.AlreadyDone) await store.MarkRestoredAsync(trashed.EntryId, cancellationToken);
                else problems++;
                continue;
            }
            var due = trashed.PrunedAtUtc <= now - TimeSpan.FromDays(options.TrashDays);
            if (due && !files.InTrash(trashed.TrashPath) && !files.InValidated(trashed.ValidatedPath))
            {
                // A purge stopped between deleting the file and recording it.
                await store.MarkPurgedAsync(trashed.EntryId, now, cancellationToken);
                purged++;
                continue;
            }
            var moved = await files.ToTrashAsync(trashed.ValidatedPath, trashed.TrashPath, new(trashed.Sha256, trashed.SizeBytes), cancellationToken);
            if (moved == TrashMove.Moved) finished++;
            if (moved is TrashMove.Missing or TrashMove.Blocked)
            {
                problems++;
                continue;
            }
            if (!due) continue;
            files.Purge(trashed.TrashPath);
            Step("purged");
            await store.MarkPurgedAsync(trashed.EntryId, now, cancellationToken);
            purged++;
        }
    }
}
