namespace BackupMonitor.Configuration;

/// <summary>
/// SPEC §13, restore drills. <see cref="PostgresConnectionString"/>: the scratch PostgreSQL where drills create and
/// drop their databases (null: PostgreSQL dumps are `skipped`, SQLite files and archives are still drilled).
/// </summary>
public sealed record DrillOptions(string? PostgresConnectionString, int IntervalDays, int Concurrency, TimeSpan Timeout)
{
    public const string ConnectionSetting = "DRILL_POSTGRES_CONNECTION_STRING";

    public static readonly DrillOptions Default = new(null, 7, 1, TimeSpan.FromMinutes(60));

    public TimeSpan Interval => TimeSpan.FromDays(IntervalDays);

    /// <summary>`timed out after N minutes`, as the drill's detail says it.</summary>
    public string TimeoutText => Timeout.TotalMinutes >= 1 ? $"{Timeout.TotalMinutes:0.##} minutes" : $"{Timeout.TotalSeconds:0.##} seconds";

    internal static DrillOptions Read(SettingReader settings)
    {
        var connection = settings.Text(ConnectionSetting);
        if (connection is not null)
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(connection);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
            {
                throw new SettingsException($"{ConnectionSetting}: expected a PostgreSQL connection string (Host=…;Username=…), got one that does not parse ({e.Message.TrimEnd('.')})");
            }
        }
        return new DrillOptions(connection,
            settings.Int("DRILL_INTERVAL_DAYS", 7, 1, 3650),
            settings.Int("DRILL_CONCURRENCY", 1, 1, 64),
            TimeSpan.FromMinutes(settings.Int("DRILL_TIMEOUT_MINUTES", 60, 1, 10_080)));
    }
}
