namespace BackupMonitor.Configuration;

public enum DatabaseProvider { Sqlite, Postgres }

public sealed record DatabaseOptions(DatabaseProvider Provider, string ConnectionString)
{
    internal static DatabaseOptions Read(SettingReader settings, StorageOptions storage)
    {
        var provider = settings.OneOf("DATABASE_PROVIDER", "sqlite", "sqlite", "postgres") == "postgres"
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;
        var connectionString = settings.Text("DATABASE_CONNECTION_STRING");
        if (connectionString is null && provider == DatabaseProvider.Postgres)
            throw new SettingsException("DATABASE_CONNECTION_STRING: required when DATABASE_PROVIDER is postgres");
        connectionString ??= $"Data Source={Path.Combine(storage.Root, "backupmonitor.db")}";
        return new DatabaseOptions(provider, connectionString);
    }
}
