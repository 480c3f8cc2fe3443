namespace BackupMonitor.Retention;

/// <summary>
/// The newest backup of each job with a passed restore drill (SPEC §13), which retention never prunes (rule `drilled`).
/// </summary>
public interface IPassedDrills
{
    /// <summary>Job id → entry id of its newest backup with a passed drill, for the jobs that have one.</summary>
    Task<IReadOnlyDictionary<int, int>> NewestPassedAsync(IReadOnlyCollection<int> jobIds, CancellationToken cancellationToken);
}

/// <summary>The passed drills recorded in the `drills` table (SPEC §13).</summary>
public sealed class RecordedDrills(Persistence.RetentionStore store) : IPassedDrills
{
    public Task<IReadOnlyDictionary<int, int>> NewestPassedAsync(IReadOnlyCollection<int> jobIds, CancellationToken cancellationToken) =>
        store.NewestPassedDrillsAsync(jobIds, cancellationToken);
}
