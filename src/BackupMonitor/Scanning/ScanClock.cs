namespace BackupMonitor.Scanning;

internal static class TimeProviderExtensions
{
    /// <summary>Now, UTC, to whole microseconds (see <see cref="Domain.Timestamps"/>).</summary>
    public static DateTime UtcNow(this TimeProvider time) => Domain.Timestamps.Normalize(time.GetUtcNow().UtcDateTime);
}
