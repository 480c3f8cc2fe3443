using BackupMonitor.Tests.Scale;
using Npgsql;

namespace BackupMonitor.Tests.Content;

/// <summary>
/// Real pg_dump output: a small database (a table of 20,000 rows and a large object) on the PostgreSQL server
/// that `.ci/run` starts, dumped once per test class in plain SQL and in the custom format, compressed and not.
/// </summary>
public sealed class PgDumps : IAsyncLifetime
{
    public BackupFiles Files { get; } = new();
    private PostgresTestDatabase? database;

    public string Plain => Files.PathOf("dump.sql");
    public string Custom => Files.PathOf("dump.custom");
    public string CustomUncompressed => Files.PathOf("dump-z0.custom");

    public async Task InitializeAsync()
    {
        database = await PostgresTestDatabase.CreateAsync();
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "CREATE TABLE items (id integer PRIMARY KEY, label text NOT NULL, amount numeric(12,2));" +
                "INSERT INTO items SELECT i, md5(i::text) || ' item ' || i, i * 1.25 FROM generate_series(1, 20000) i;" +
                "CREATE TABLE notes (id serial PRIMARY KEY, body text); INSERT INTO notes (body) VALUES ('first'), ('second');" +
                "SELECT lo_from_bytea(0, convert_to(repeat('large object ', 1000), 'UTF8'));", connection);
            await command.ExecuteNonQueryAsync();
        }
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var target = $"-h {server.Host} -p {server.Port} -U {server.Username} {database.Name}";
        Files.Sh($"pg_dump {target} -f dump.sql && pg_dump -Fc {target} -f dump.custom && pg_dump -Fc -Z0 {target} -f dump-z0.custom");
    }

    public async Task DisposeAsync()
    {
        Files.Dispose();
        if (database is not null) await database.DisposeAsync();
    }
}
