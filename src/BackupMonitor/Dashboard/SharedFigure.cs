namespace BackupMonitor.Dashboard;

/// <summary>
/// A figure shared by every request for <paramref name="lifetime"/>: when it is stale, one request computes it while
/// the others wait for that result rather than computing it too. A clock that moves back makes it stale.
/// </summary>
public abstract class SharedFigure<T>(TimeSpan lifetime) where T : class
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private (DateTime At, T Value)? kept;

    public async Task<T> GetAsync(DateTime nowUtc, Func<Task<T>> compute)
    {
        if (Fresh(nowUtc) is { } value) return value;
        await gate.WaitAsync();
        try
        {
            if (Fresh(nowUtc) is { } again) return again;
            var computed = await compute();
            kept = (nowUtc, computed);
            return computed;
        }
        finally { gate.Release(); }
    }

    private T? Fresh(DateTime nowUtc) => kept is { } k && nowUtc >= k.At && nowUtc - k.At < lifetime ? k.Value : null;
}
