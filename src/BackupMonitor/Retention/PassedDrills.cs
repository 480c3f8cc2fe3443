namespace BackupMonitor.Retention;

/// <summary>
/// The newest backup of each job with a passed restore drill (SPEC §13), which retention never prunes (rule `drilled`).
/// </summary>
public interface IPassedDrills
{
    /// <summary>Job id → entry id of its newest backup with a passed drill, for the jobs that have one.</summary>
    Task<IReadOnlyDictionary<int, int>> NewestPassedAsync(IReadOnlyCollection<int> jobIds, CancellationToken cancellationToken);
}

/// <summary>No drill is known: where restore drills are not recorded, no backup is kept by the `drilled` rule.</summary>
public sealed class NoDrillsKnown : IPassedDrills
{
    private static readonly IReadOnlyDictionary<int, int> None = new Dictionary<int, int>();

    public Task<IReadOnlyDictionary<int, int>> NewestPassedAsync(IReadOnlyCollection<int> jobIds, CancellationToken cancellationToken) => Task.FromResult(None);
}
