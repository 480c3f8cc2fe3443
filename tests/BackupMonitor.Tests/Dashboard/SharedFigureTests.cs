using BackupMonitor.Dashboard;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>
/// The figures every overview shares (the companies' compliance, the storage space): computed once a lifetime; in
/// the lifetime after, the stale figure is served at once and refreshed in the background (at 100,000 jobs each
/// takes ~10 s, which the request that found it stale used to wait for); older than that, computed by the request.
/// </summary>
public sealed class SharedFigureTests
{
    private static readonly DateTime Start = new(2026, 12, 5, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private sealed class Figure(IServiceScopeFactory scopes) : SharedFigure<string>(Lifetime, scopes);

    /// <summary>A scoped service: each computation must get one of its own, disposed when it ends.</summary>
    private sealed class ScopedThing : IDisposable
    {
        public bool Disposed { get; private set; }
        public void Dispose() => Disposed = true;
    }

    private static (Figure Figure, ServiceProvider Services) Create()
    {
        var services = new ServiceCollection().AddScoped<ScopedThing>().BuildServiceProvider();
        return (new Figure(services.GetRequiredService<IServiceScopeFactory>()), services);
    }

    [Fact]
    public async Task A_fresh_figure_is_computed_once_and_shared_for_its_lifetime()
    {
        var (figure, services) = Create();
        await using var _ = services;
        var computed = 0;
        Task<string> Compute(IServiceProvider s) => Task.FromResult($"v{++computed}");

        Assert.Equal("v1", await figure.GetAsync(Start, Compute));
        Assert.Equal("v1", await figure.GetAsync(Start + Lifetime - TimeSpan.FromSeconds(1), Compute));
        Assert.Equal(1, computed);
    }

    [Fact]
    public async Task In_the_lifetime_after_the_stale_figure_is_served_without_waiting_and_refreshed_once_in_the_background()
    {
        var (figure, services) = Create();
        await using var _ = services;
        Assert.Equal("old", await figure.GetAsync(Start, _ => Task.FromResult("old")));

        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var refreshes = 0;
        Task<string> Slow(IServiceProvider s)
        {
            Interlocked.Increment(ref refreshes);
            return release.Task;
        }
        var later = Start + Lifetime + TimeSpan.FromSeconds(5);
        // The refresh has not finished (it cannot, until released): both requests get the stale figure at once.
        Assert.Equal("old", await figure.GetAsync(later, Slow).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("old", await figure.GetAsync(later, Slow).WaitAsync(TimeSpan.FromSeconds(10)));

        release.SetResult("new");
        await figure.SettledAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("new", await figure.GetAsync(later, _ => Task.FromResult("unused")));
        Assert.Equal(1, refreshes);
    }

    [Fact]
    public async Task Older_than_two_lifetimes_the_request_computes_it_and_a_clock_moved_back_makes_it_stale()
    {
        var (figure, services) = Create();
        await using var _ = services;
        await figure.GetAsync(Start, _ => Task.FromResult("old"));

        Assert.Equal("new", await figure.GetAsync(Start + 2 * Lifetime, _ => Task.FromResult("new")));
        Assert.Equal("back", await figure.GetAsync(Start, _ => Task.FromResult("back")));
    }

    [Fact]
    public async Task A_failed_background_refresh_keeps_the_stale_figure_and_the_next_one_tries_again()
    {
        var (figure, services) = Create();
        await using var _ = services;
        await figure.GetAsync(Start, _ => Task.FromResult("old"));
        var later = Start + Lifetime + TimeSpan.FromSeconds(1);

        Assert.Equal("old", await figure.GetAsync(later, _ => throw new InvalidOperationException("database away")));
        await figure.SettledAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("old", await figure.GetAsync(later, _ => Task.FromResult("new")));
        await figure.SettledAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("new", await figure.GetAsync(later, _ => Task.FromResult("unused")));
    }

    [Fact]
    public async Task Each_computation_runs_in_a_scope_of_its_own_disposed_after_it()
    {
        var (figure, services) = Create();
        await using var _ = services;
        ScopedThing? first = null, second = null;
        await figure.GetAsync(Start, s => { first = s.GetRequiredService<ScopedThing>(); return Task.FromResult("a"); });
        await figure.GetAsync(Start + Lifetime, s => { second = s.GetRequiredService<ScopedThing>(); return Task.FromResult("b"); });
        await figure.SettledAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.NotSame(first, second);
        Assert.True(first.Disposed);
        Assert.True(second.Disposed);
    }
}
