using BackupMonitor.Tests.Scale;
using Npgsql;

namespace BackupMonitor.Tests.Support;

/// <summary>
/// Which database the integration tests run on. `.ci/run` runs the whole suite twice: once on SQLite files
/// (the default) and once with BACKUPMONITOR_TEST_DATABASE=postgres, where every test gets a fresh database
/// on the throwaway PostgreSQL 15 cluster (deleted with the cluster at the end of the run).
/// </summary>
public static class TestDatabase
{
    public const string ProviderVariable = "BACKUPMONITOR_TEST_DATABASE";

    public static bool IsPostgres =>
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>DATABASE_PROVIDER and DATABASE_CONNECTION_STRING for a new, empty database for one test.</summary>
    public static Dictionary<string, string?> Settings(string root)
    {
        if (!IsPostgres)
            return new() { ["DATABASE_PROVIDER"] = "sqlite", ["DATABASE_CONNECTION_STRING"] = $"Data Source={Path.Combine(root, "backupmonitor.db")};Pooling=False" };

        var server = PostgresTestDatabase.ServerConnectionString;
        var name = $"bm_suite_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }
        return new()
        {
            ["DATABASE_PROVIDER"] = "postgres",
            ["DATABASE_CONNECTION_STRING"] = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString,
        };
    }
}
