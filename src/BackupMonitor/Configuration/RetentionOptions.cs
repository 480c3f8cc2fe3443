using BackupMonitor.Decisions;

namespace BackupMonitor.Configuration;

/// <summary>SPEC §14: RETENTION (the default policy; none keeps everything), RETENTION_MAX_PRUNE_PERCENT (50), RETENTION_TRASH_DAYS (7; 0: at the next apply). The trash area is BACKUP_TRASH_ROOT (<see cref="StorageOptions"/>).</summary>
public sealed record RetentionOptions(RetentionPolicy DefaultPolicy, int MaxPrunePercent, int TrashDays)
{
    public static readonly RetentionOptions Default = new(RetentionPolicy.None, 50, 7);

    internal static RetentionOptions Read(SettingReader settings)
    {
        var text = settings.Text("RETENTION");
        var (policy, problems) = text is null ? (RetentionPolicy.None, []) : RetentionPolicy.TryParse(text);
        if (policy is null)
            throw new SettingsException($"RETENTION: expected a policy such as 'last=3,daily=7,weekly=4,monthly=12,yearly=2' or 'none', got '{text}': {string.Join("; ", problems)}");
        return new RetentionOptions(policy,
            settings.Int("RETENTION_MAX_PRUNE_PERCENT", 50, 0, 100),
            settings.Int("RETENTION_TRASH_DAYS", 7, 0, 36_500));
    }
}
