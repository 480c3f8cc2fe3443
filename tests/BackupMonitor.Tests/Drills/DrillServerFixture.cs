using BackupMonitor.Tests.Content;
using BackupMonitor.Tests.Scale;
using Npgsql;

namespace BackupMonitor.Tests.Drills;

/// <summary>
/// The PostgreSQL 15 that `.ci/run` starts, as both the source of real dumps and the drill server: a source database
/// (two tables, 20,000 + 2 rows, a large object) dumped by `pg_dump` in the custom and plain formats, the plain one also
/// gzip'd and zstd'd; and a drill role that is not a superuser (LOGIN CREATEDB), as SPEC §13 requires.
/// </summary>
public sealed class DrillServerFixture : IAsyncLifetime
{
    /// <summary>
    /// Drill databases are named `bm_drill_&lt;drill id&gt;` on one server, and every test site numbers its drills from 1:
    /// the classes that drill on the server run one after the other.
    /// </summary>
    public const string Collection = "drill server";

    public const int Tables = 2;
    public const long Rows = 20_002;

    private PostgresTestDatabase? source;

    public BackupFiles Files { get; } = new();
    public string Role { get; } = $"bm_drill_role_{Guid.NewGuid():N}"[..30];
    /// <summary>DRILL_POSTGRES_CONNECTION_STRING: the drill role on the test server.</summary>
    public string ConnectionString { get; private set; } = "";

    public string Custom => Files.PathOf("dump.custom");
    public string Plain => Files.PathOf("dump.sql");

    public async Task InitializeAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.ServerConnectionString);
        await ExecuteAsync(server.ConnectionString, $"CREATE ROLE {Role} LOGIN CREATEDB NOSUPERUSER");
        ConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = Role, Database = "postgres", Pooling = false }.ConnectionString;
        source = await PostgresTestDatabase.CreateAsync();
        await ExecuteAsync(source.ConnectionString,
            "CREATE TABLE items (id integer PRIMARY KEY, label text NOT NULL, amount numeric(12,2));" +
            "INSERT INTO items SELECT i, md5(i::text) || ' item \\ ' || i, i * 1.25 FROM generate_series(1, 20000) i;" +
            "CREATE TABLE notes (id serial PRIMARY KEY, body text); INSERT INTO notes (body) VALUES ('first'), (E'second\\\\with a backslash');" +
            "CREATE FUNCTION shout(t text) RETURNS text LANGUAGE sql AS $body$ SELECT upper(t) || ' \\! not a command' $body$;" +
            "SELECT lo_from_bytea(0, convert_to(repeat('large object ', 1000), 'UTF8'));");
        Files.Sh($"pg_dump {Target(source.Name)} -f dump.sql && pg_dump -Fc {Target(source.Name)} -f dump.custom" +
            " && gzip -k dump.sql && zstd -q dump.sql -o dump.sql.zst");
    }

    /// <summary>pg_dump's connection options for a database of the test server (as its superuser).</summary>
    public static string Target(string database)
    {
        var server = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.ServerConnectionString);
        return $"-h {server.Host} -p {server.Port} -U {server.Username} {database}";
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The drill databases (`bm_drill_…`) on the server now.</summary>
    public static async Task<List<string>> DrillDatabasesAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE 'bm\\_drill\\_%' ORDER BY 1", connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        return names;
    }

    public async Task DisposeAsync()
    {
        Files.Dispose();
        if (source is not null) await source.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        // Databases the role still owns (a failed test's leftovers) go first, then the role.
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.ServerConnectionString);
        await connection.OpenAsync();
        var owned = new List<string>();
        await using (var list = new NpgsqlCommand($"SELECT datname FROM pg_database WHERE datdba = (SELECT oid FROM pg_roles WHERE rolname = '{Role}')", connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) owned.Add(reader.GetString(0));
        foreach (var name in owned)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        await using var role = new NpgsqlCommand($"DROP ROLE IF EXISTS {Role}", connection);
        await role.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(DrillServerFixture.Collection)]
public sealed class DrillServerCollection;
