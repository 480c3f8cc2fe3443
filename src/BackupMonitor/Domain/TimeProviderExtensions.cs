namespace BackupMonitor.Domain;

/// <summary>Time helpers shared by every feature that stamps rows (scans, reports, notifications, jobs).</summary>
internal static class TimeProviderExtensions
{
    /// <summary>Now, UTC, to whole microseconds (see <see cref="Timestamps"/>).</summary>
    public static DateTime UtcNow(this TimeProvider time) => Timestamps.Normalize(time.GetUtcNow().UtcDateTime);
}
