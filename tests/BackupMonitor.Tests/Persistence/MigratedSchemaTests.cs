using BackupMonitor.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Tests.Persistence;

/// <summary>
/// On SQLite some migrations rebuild a whole table from their own snapshot of the model: a migration written on a
/// branch that did not know another branch's index (merged with an earlier id) silently drops that index. The
/// migrated database must have every table, column and index the model names, whatever the migrations' order.
/// </summary>
public sealed class MigratedSchemaTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bm-schema-").FullName;

    [Fact]
    public async Task A_fresh_SQLite_database_migrated_from_scratch_has_every_index_and_column_of_the_model()
    {
        var connection = $"Data Source={Path.Combine(folder, "schema.db")};Pooling=False";
        await using (var db = new SqliteBackupMonitorDbContext(new DbContextOptionsBuilder<SqliteBackupMonitorDbContext>().UseSqlite(connection).Options))
        {
            await db.Database.MigrateAsync();
            var (indexes, columns) = Read(connection);
            foreach (var entity in db.Model.GetEntityTypes())
            {
                var table = entity.GetTableName()!;
                foreach (var index in entity.GetIndexes())
                    Assert.True(indexes.Contains((table, index.GetDatabaseName()!)), $"index {index.GetDatabaseName()} on {table} is missing after the migrations");
                foreach (var property in entity.GetProperties())
                    Assert.True(columns.Contains((table, property.GetColumnName())), $"column {table}.{property.GetColumnName()} is missing after the migrations");
            }
        }
    }

    private static (HashSet<(string, string)> Indexes, HashSet<(string, string)> Columns) Read(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        var indexes = new HashSet<(string, string)>();
        var tables = new List<string>();
        using (var command = new SqliteCommand("SELECT type, tbl_name, name FROM sqlite_master WHERE type IN ('index', 'table')", connection))
        using (var reader = command.ExecuteReader())
            while (reader.Read())
            {
                if (reader.GetString(0) == "index") indexes.Add((reader.GetString(1), reader.GetString(2)));
                else tables.Add(reader.GetString(1));
            }
        var columns = new HashSet<(string, string)>();
        foreach (var table in tables)
        {
            using var command = new SqliteCommand($"SELECT name FROM pragma_table_info('{table.Replace("'", "''")}')", connection);
            using var reader = command.ExecuteReader();
            while (reader.Read()) columns.Add((table, reader.GetString(0)));
        }
        return (indexes, columns);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
