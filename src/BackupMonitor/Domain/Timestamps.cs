namespace BackupMonitor.Domain;

/// <summary>
/// Every timestamp is kept to whole microseconds, UTC: PostgreSQL stores no finer, so a value reads back
/// exactly as written on both providers (and a re-scanned report line finds its entry).
/// </summary>
public static class Timestamps
{
    public static DateTime Normalize(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime();
        return new DateTime(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);
    }

    /// <summary>ISO 8601 UTC with `Z`, to the second (as messages and lists show times).</summary>
    public static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
