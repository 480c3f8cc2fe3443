namespace BackupMonitor.Configuration;

/// <summary>SPEC §6.1 ALERT_MODE: one alert per failed entry (the design document's), or only on a change of failure status.</summary>
public enum AlertMode { EveryFailure, OnChange }

/// <summary>How loud alerts are (SPEC §6.1, §6.3): ALERT_MODE, ALERT_REMINDER_HOURS (0: none), ALERT_DIGEST_THRESHOLD (0: never).</summary>
public sealed record AlertOptions(AlertMode Mode, int ReminderHours, int DigestThreshold)
{
    public static readonly AlertOptions Default = new(AlertMode.EveryFailure, 24, 10);

    internal static AlertOptions Read(SettingReader settings) => new(
        settings.OneOf("ALERT_MODE", "every_failure", "every_failure", "on_change") == "on_change" ? AlertMode.OnChange : AlertMode.EveryFailure,
        settings.Int("ALERT_REMINDER_HOURS", 24, 0, 24 * 366),
        settings.Int("ALERT_DIGEST_THRESHOLD", 10, 0, 1_000_000));
}
