using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Dashboard;

/// <summary>
/// A figure shared by every request for <paramref name="lifetime"/>: when it is stale, one request computes it while
/// the others wait for that result rather than computing it too. For a second lifetime after that, a stale figure is
/// still served at once while one refresh runs in the background: at 100,000 jobs a figure takes ~10 s to compute,
/// and the request that found it stale used to wait for it (bench/README, "Issue 22 (fifth session)"). Older than
/// two lifetimes (a server idle for a while), the request waits for a fresh one. Each computation runs in a scope of
/// its own, so a refresh outlives the request that started it. A clock that moves back makes the figure stale.
/// </summary>
public abstract class SharedFigure<T>(TimeSpan lifetime, IServiceScopeFactory scopes) where T : class
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Lock refreshGate = new();
    private (DateTime At, T Value)? kept;
    /// <summary>The background refresh, or a completed task when none runs (it never faults: its errors are caught).</summary>
    private Task refresh = Task.CompletedTask;

    public async Task<T> GetAsync(DateTime nowUtc, Func<IServiceProvider, Task<T>> compute)
    {
        if (Fresh(nowUtc, lifetime) is { } value) return value;
        if (Fresh(nowUtc, 2 * lifetime) is { } stale)
        {
            lock (refreshGate)
                if (refresh.IsCompleted) refresh = RefreshAsync(nowUtc, compute);
            return stale;
        }
        await gate.WaitAsync();
        try
        {
            if (Fresh(nowUtc, lifetime) is { } again) return again;
            return await ComputeAsync(nowUtc, compute);
        }
        finally { gate.Release(); }
    }

    /// <summary>The figure's background refresh, if one is running (tests wait for it).</summary>
    internal Task SettledAsync()
    {
        lock (refreshGate) return refresh;
    }

    private async Task RefreshAsync(DateTime nowUtc, Func<IServiceProvider, Task<T>> compute)
    {
        try
        {
            await Task.Yield();
            await gate.WaitAsync();
            try
            {
                if (Fresh(nowUtc, lifetime) is null) await ComputeAsync(nowUtc, compute);
            }
            finally { gate.Release(); }
        }
        catch (Exception)
        {
            // The stale figure stays; the next request after two lifetimes computes it itself and sees the error.
        }
    }

    private async Task<T> ComputeAsync(DateTime nowUtc, Func<IServiceProvider, Task<T>> compute)
    {
        await using var scope = scopes.CreateAsyncScope();
        var computed = await compute(scope.ServiceProvider);
        kept = (nowUtc, computed);
        return computed;
    }

    private T? Fresh(DateTime nowUtc, TimeSpan age) => kept is { } k && nowUtc >= k.At && nowUtc - k.At < age ? k.Value : null;
}
