using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;

namespace BackupMonitor.Retention;

/// <summary>One job's plan: which policy applies (and where it comes from), the decision, and the backups it is about.</summary>
public sealed record JobRetentionPlan(ExpectedBackupJob Job, RetentionPolicy Policy, string PolicySource, RetentionDecisionResult Decision,
    IReadOnlyDictionary<int, StoredBackup> Backups);

/// <summary>
/// Reads the facts of a page of jobs (their backups, policies, maintenance windows, drills) and asks
/// <see cref="RetentionDecision"/> for each: the dry run of `retention plan`, and what `retention apply` applies.
/// </summary>
public sealed class RetentionPlanner(RetentionStore store, IPassedDrills drills, RetentionOptions options, TimeProvider time)
{
    public const int PageSize = 200;

    private Dictionary<string, string>? companyPolicies;
    private List<MaintenanceWindow>? windows;

    /// <summary>Every job's plan (or one job's, or one company's), page after page, in id order; only the caller's jobs for a key limited to companies.</summary>
    public async IAsyncEnumerable<JobRetentionPlan> PlanAsync(int? jobId, string? company, int? maxPrunePercent,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default, AccessCaller? caller = null)
    {
        var afterId = 0;
        while (true)
        {
            var jobs = await store.JobsAsync(jobId, company, afterId, PageSize, cancellationToken, caller);
            if (jobs.Count == 0) yield break;
            foreach (var plan in await PlanPageAsync(jobs, maxPrunePercent, cancellationToken)) yield return plan;
            afterId = jobs[^1].Id;
        }
    }

    /// <summary>The plans of these jobs, from facts read now (the applier calls this once it holds their claims).</summary>
    public async Task<IReadOnlyList<JobRetentionPlan>> PlanPageAsync(IReadOnlyList<ExpectedBackupJob> jobs, int? maxPrunePercent, CancellationToken cancellationToken)
    {
        companyPolicies ??= await store.CompanyPoliciesAsync(cancellationToken);
        windows ??= await store.MaintenanceWindowsAsync(cancellationToken);
        var ids = jobs.Select(j => j.Id).ToList();
        var backups = await store.BackupsAsync(ids, cancellationToken);
        var drilled = await drills.NewestPassedAsync(ids, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var plans = new List<JobRetentionPlan>(jobs.Count);
        foreach (var job in jobs)
        {
            var (policy, source) = RetentionPolicy.Effective(job.Retention, companyPolicies.GetValueOrDefault(job.CompanyName), options.DefaultPolicy);
            var stored = backups[job.Id].ToDictionary(b => b.EntryId);
            var facts = new RetentionFacts(job.IsActive, job.CurrentStatus, job.AcknowledgedAtUtc, job.LastFailedBackupUtc,
                RetentionDecision.RecentMaintenance(windows, job, now), drilled.TryGetValue(job.Id, out var entryId) ? entryId : null);
            var retained = stored.Values.Select(b => new RetainedBackup(b.EntryId, b.OperationUtc, b.CreatedAtUtc, b.HeldAtUtc is not null)).ToList();
            var zone = Schedule.FindZone(job.TimeZone).Zone ?? TimeZoneInfo.Utc;
            var decision = RetentionDecision.Decide(retained, policy, zone, facts, maxPrunePercent ?? options.MaxPrunePercent, now);
            plans.Add(new JobRetentionPlan(job, policy, source, decision, stored));
        }
        return plans;
    }
}
