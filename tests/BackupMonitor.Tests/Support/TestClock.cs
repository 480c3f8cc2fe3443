using Microsoft.Extensions.Time.Testing;

namespace BackupMonitor.Tests.Support;

/// <summary>
/// The one clock of in-process tests: a fake one, starting on Monday 23 November 2026 at 02:30 UTC unless a test
/// says otherwise, that moves only when the test moves it. Only tests that run the real executable (a separate
/// process) live on the wall clock.
/// </summary>
public static class TestClock
{
    public static readonly DateTime Start = new(2026, 11, 23, 2, 30, 0, DateTimeKind.Utc);

    public static FakeTimeProvider New(DateTime? at = null) => new(new DateTimeOffset(at ?? Start));
}
