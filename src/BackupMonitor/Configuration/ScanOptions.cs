namespace BackupMonitor.Configuration;

public sealed record ScanOptions(int MissingGraceMinutes, int MinFileAgeSeconds, int IntervalSeconds)
{
    public const int MaxGraceMinutes = 720;

    /// <summary>
    /// Agents per batch: one lease claim, one set of queries and one commit for all of them. Bigger batches save
    /// round trips; smaller ones share the work between concurrent scans more finely. Not a setting (tests set it).
    /// </summary>
    public int BatchSize { get; init; } = 128;

    internal static ScanOptions Read(SettingReader settings) => new(
        settings.Int("MISSING_GRACE_MINUTES", 60, 0, MaxGraceMinutes),
        settings.Int("SCAN_MIN_FILE_AGE_SECONDS", 5, 0, 86_400),
        settings.Int("SCAN_INTERVAL_SECONDS", 300, 1, 86_400));
}
