using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace BackupMonitor.Tests.Support;

/// <summary>
/// The one clock of in-process tests: a fake one, starting on Monday 23 November 2026 at 02:30 UTC unless a test
/// says otherwise, that moves only when the test moves it. Only tests that run the real executable (a separate
/// process) live on the wall clock.
/// </summary>
public sealed class TestClock : FakeTimeProvider
{
    public static readonly DateTime DefaultStart = new(2026, 11, 23, 2, 30, 0, DateTimeKind.Utc);

    private readonly ConcurrentQueue<TimeSpan> periods = new();

    private TestClock(DateTime at) : base(new DateTimeOffset(at)) { }

    public static TestClock New(DateTime? at = null) => new(at ?? DefaultStart);

    /// <summary>
    /// The period of every timer made on this clock so far (a loop's PeriodicTimer has its interval). Background
    /// loops start on their own threads: a test waits for a loop's timer before moving the clock past its first tick.
    /// </summary>
    public IReadOnlyCollection<TimeSpan> TimerPeriods => periods.ToArray();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        periods.Enqueue(period);
        return base.CreateTimer(callback, state, dueTime, period);
    }
}
