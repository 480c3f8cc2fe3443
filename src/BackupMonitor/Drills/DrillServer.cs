using BackupMonitor.Configuration;
using Npgsql;

namespace BackupMonitor.Drills;

/// <summary>
/// The scratch PostgreSQL where drills restore (DRILL_POSTGRES_CONNECTION_STRING): creating and dropping the
/// `bm_drill_&lt;id&gt;` databases, counting what a restore brought back, and the environment its tools connect with.
/// The role is never a superuser and the server never BackupMonitor's own database (<see cref="CheckAsync"/>).
/// </summary>
public sealed class DrillServer(DrillOptions options, DatabaseOptions database)
{
    public const string DatabasePrefix = "bm_drill_";

    private Version? pgRestoreVersion;

    public bool IsConfigured => options.PostgresConnectionString is not null;

    public static string DatabaseOf(int drillId) => $"{DatabasePrefix}{drillId}";

    private NpgsqlConnectionStringBuilder Builder(string? databaseName = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString) { Pooling = false, ApplicationName = "backupmonitor-drill" };
        if (databaseName is not null) builder.Database = databaseName;
        return builder;
    }

    private async Task<NpgsqlConnection> OpenAsync(string? databaseName, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(Builder(databaseName).ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// Refuses a drill server that could do harm (SPEC §13), with a message naming the setting: a superuser role (SQL in
    /// a dump could reach the server's files and programs), a role that cannot create databases, or BackupMonitor's own
    /// database (its tables are found there, or the connection names it).
    /// </summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (!IsConfigured) return;
        const string setting = DrillOptions.ConnectionSetting;
        var drill = Builder();
        if (database.Provider == DatabaseProvider.Postgres)
        {
            var own = new NpgsqlConnectionStringBuilder(database.ConnectionString);
            if (SameServer(own, drill) && string.Equals(own.Database ?? own.Username, drill.Database ?? drill.Username, StringComparison.Ordinal))
                throw new SettingsException($"{setting}: names BackupMonitor's own database '{own.Database}'; give drills a scratch database of their own");
        }
        try
        {
            await using var connection = await OpenAsync(null, cancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT r.rolsuper, r.rolcreatedb, current_user, current_database(), to_regclass('expected_backup_jobs') IS NOT NULL OR to_regclass('\"__EFMigrationsHistory\"') IS NOT NULL " +
                "FROM pg_roles r WHERE r.rolname = current_user", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken)) throw new SettingsException($"{setting}: the role cannot read its own attributes");
            var (super, createDb, user, name, ours) = (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetString(2), reader.GetString(3), reader.GetBoolean(4));
            if (super)
                throw new SettingsException($"{setting}: the role '{user}' is a superuser; drills restore untrusted dumps and need a role that is not (CREATE ROLE … LOGIN CREATEDB)");
            if (!createDb)
                throw new SettingsException($"{setting}: the role '{user}' cannot create databases; give it CREATEDB (ALTER ROLE {user} CREATEDB)");
            if (ours)
                throw new SettingsException($"{setting}: the database '{name}' holds BackupMonitor's tables; give drills a scratch database of their own");
        }
        catch (NpgsqlException e)
        {
            throw new SettingsException($"{setting}: cannot connect to the drill server ({e.GetBaseException().Message.TrimEnd('.')})");
        }
    }

    private static bool SameServer(NpgsqlConnectionStringBuilder a, NpgsqlConnectionStringBuilder b) =>
        string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    /// <summary>The local pg_restore's version (read once), to skip archives newer than it reads.</summary>
    public async Task<Version?> PgRestoreVersionAsync(CancellationToken cancellationToken)
    {
        if (pgRestoreVersion is not null) return pgRestoreVersion;
        try
        {
            pgRestoreVersion = ToolProcess.ParseVersion(await ToolProcess.OutputOfAsync("pg_restore", "--version", cancellationToken));
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or DrillToolMissingException)
        {
            pgRestoreVersion = null;
        }
        return pgRestoreVersion;
    }

    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(null, cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE {Quote(name)} TEMPLATE template0", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Drops a drill database. A plain DROP first: PostgreSQL itself asks an autovacuum worker analysing the freshly
    /// restored tables to leave, which `WITH (FORCE)` cannot do for a role that is not a superuser ("must be a member of
    /// the role whose process is being terminated"). A session of the drill role still in it (a tool killed
    /// mid-restore) makes it 55006 (object in use): then FORCE ends that session. When both are there at once (a
    /// loaded server: the killed tool's session and an autovacuum worker), FORCE is refused for the worker (42501) while
    /// the plain DROP has already asked it to leave: then both are tried again, a few times over ~5 s. Seen in CI on a
    /// machine running two test suites at once: the drill said "drill server: must be a member of the role…" instead
    /// of "timed out", and its database stayed.
    /// </summary>
    public async Task DropDatabaseAsync(string name)
    {
        await using var connection = await OpenAsync(null, CancellationToken.None);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var plain = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Quote(name)}", connection);
                await plain.ExecuteNonQueryAsync(CancellationToken.None);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                try
                {
                    await using var force = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)", connection);
                    await force.ExecuteNonQueryAsync(CancellationToken.None);
                    return;
                }
                catch (PostgresException f) when (f.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < DropAttempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500));
                }
            }
        }
    }

    private const int DropAttempts = 10;

    /// <summary>The `bm_drill_&lt;id&gt;` databases on the server that the drill role owns (it made them), by drill id.</summary>
    public async Task<IReadOnlyList<int>> DrillDatabasesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(null, cancellationToken);
        await using var command = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE 'bm\\_drill\\_%' AND datdba = (SELECT oid FROM pg_roles WHERE rolname = current_user)", connection);
        var ids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            if (int.TryParse(reader.GetString(0)[DatabasePrefix.Length..], out var id)) ids.Add(id);
        return ids;
    }

    /// <summary>The restored database's ordinary tables and their exact row counts (`count(*)` each).</summary>
    public async Task<(int Tables, long Rows)> CountAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(name, cancellationToken);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 1", connection))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) tables.Add(reader.GetString(0));
        long rows = 0;
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection) { CommandTimeout = 0 };
            rows += Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken));
        }
        return (tables.Count, rows);
    }

    /// <summary>What pg_restore and psql connect with: the drill server's host, port, role and password, the drill's database.</summary>
    public IReadOnlyDictionary<string, string?> ToolEnvironment(string databaseName)
    {
        var builder = Builder(databaseName);
        return new Dictionary<string, string?>
        {
            ["PGHOST"] = builder.Host, ["PGPORT"] = builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = builder.Username, ["PGPASSWORD"] = builder.Password, ["PGDATABASE"] = databaseName,
            ["PGSSLMODE"] = builder.SslMode switch { SslMode.Disable => "disable", SslMode.Require => "require", SslMode.VerifyCA => "verify-ca", SslMode.VerifyFull => "verify-full", _ => "prefer" },
            ["PGAPPNAME"] = "backupmonitor-drill", ["PGOPTIONS"] = null, ["PGSERVICE"] = null, ["PGSERVICEFILE"] = null, ["PSQLRC"] = null,
            ["PGPASSFILE"] = null,
        };
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
