using BackupMonitor.Domain;

namespace BackupMonitor.Configuration;

/// <summary>Monthly compliance reports (SPEC §12): the zone their months are read in (REPORT_TIME_ZONE) and the hour they are sent (REPORT_HOUR).</summary>
public sealed record ReportOptions(TimeZoneInfo TimeZone, int Hour)
{
    public static readonly ReportOptions Default = new(TimeZoneInfo.Utc, 6);

    internal static ReportOptions Read(SettingReader settings)
    {
        var (zone, problem) = Schedule.FindZone(settings.Text("REPORT_TIME_ZONE"));
        if (zone is null) throw new SettingsException("REPORT_TIME_ZONE: " + problem!["time_zone: ".Length..]);
        return new(zone, settings.Int("REPORT_HOUR", 6, 0, 23));
    }
}
