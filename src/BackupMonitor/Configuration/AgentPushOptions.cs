namespace BackupMonitor.Configuration;

/// <summary>Limits of the agents' uploads (SPEC §10): the largest upload, how long an idle one lives, the free space kept on staging.</summary>
public sealed record AgentPushOptions(long UploadMaxBytes, int UploadExpiryHours, long StagingMinFreeBytes)
{
    public const long TiB = 1L << 40;
    public const long GiB = 1L << 30;

    public TimeSpan UploadExpiry => TimeSpan.FromHours(UploadExpiryHours);

    internal static AgentPushOptions Read(SettingReader settings) => new(
        settings.Long("AGENT_UPLOAD_MAX_BYTES", TiB, 1, long.MaxValue / 2),
        settings.Int("AGENT_UPLOAD_EXPIRY_HOURS", 24, 1, 24 * 365),
        settings.Long("STAGING_MIN_FREE_BYTES", GiB, 0, long.MaxValue / 2));
}
