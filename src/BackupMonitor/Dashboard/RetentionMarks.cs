using BackupMonitor.Persistence;
using BackupMonitor.Retention;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Dashboard;

/// <summary>A job's retention on its page: its plan (keep or prune per validated backup, the rules) and the space its files take.</summary>
public sealed record RetentionPanel(JobRetentionPlan? Plan, StorageSpace Space);

/// <summary>
/// Retention as the dashboard shows it (SPEC §14): a job's plan and space, and the space validated storage and the
/// trash take over all jobs — a sum over every entry, kept a few minutes (<see cref="StorageSpaceCache"/>) so that
/// the overview's refresh every minute does not read the whole history.
/// </summary>
public sealed class RetentionBoard(RetentionPlanner planner, RetentionStore store, StorageSpaceCache cache, TimeProvider time)
{
    public async Task<RetentionPanel> JobAsync(int jobId, CancellationToken cancellationToken)
    {
        JobRetentionPlan? plan = null;
        await foreach (var p in planner.PlanAsync(jobId, null, null, cancellationToken)) plan = p;
        return new RetentionPanel(plan, await store.SpaceAsync(jobId, cancellationToken));
    }

    /// <summary>
    /// All jobs' space, cached, for a key of every company; a key limited to companies sums over its jobs only (in SQL,
    /// not cached: its companies' entries are a small part of the history).
    /// </summary>
    public Task<StorageSpace> AllAsync(Decisions.AccessCaller? caller, CancellationToken cancellationToken) =>
        caller is { IsScoped: true }
            ? store.SpaceAsync(null, cancellationToken, caller)
            : cache.GetAsync(time.GetUtcNow().UtcDateTime, services => services.GetRequiredService<RetentionStore>().SpaceAsync(null, CancellationToken.None));
}

/// <summary>The space of all validated storage and the trash, computed at most every <see cref="Lifetime"/>.</summary>
public sealed class StorageSpaceCache(IServiceScopeFactory scopes) : SharedFigure<StorageSpace>(Lifetime, scopes)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
}
