using Microsoft.EntityFrameworkCore.Migrations;

namespace BackupMonitor.Persistence;

/// <summary>
/// The summary table `history_counts` and the triggers that keep it current (issue 22), created by the migration
/// Issue22HistoryCounts of each provider. `/metrics` and the overview's tiles read counts over all history (entries by
/// status and content check, deliveries by destination and state, active jobs by status, scans and bytes verified);
/// counting the rows on every request grew with the history (539 ms at 900,000 entries). The triggers run in the
/// transaction of the write that changes a count, whatever wrote it (the scan's bulk writer, EF, a retention
/// delete), so a count is never ahead of or behind its rows. A family's count for a label is SUM(n) over its rows.
/// <para>
/// SQLite (one writer at a time) keeps one row per (family, label, label2), added to by an UPSERT per changed row.
/// PostgreSQL appends delta rows instead: an UPDATE of one shared counter row would make every concurrent scan's
/// transaction wait on (and deadlock over) the same rows. Inserts and deletes are counted once per statement from its
/// transition table (a bulk insert adds one delta row per status), updates per changed row (a job's status changes
/// rarely); <see cref="HistoryCounts.CompactAsync"/> folds the deltas back into one row per label.
/// </para>
/// This class is part of that migration: change it only by adding a new migration that replaces the triggers.
/// </summary>
public static class HistoryCountsSchema
{
    private sealed record Family(string Name, string Table, string Label, string Label2, string Count, string? ActiveColumn, string[] WatchedColumns);

    /// <summary>What is counted. Label columns are the stored (wire) values; `Count` is 1 per row or a column to sum.</summary>
    private static readonly Family[] Families =
    [
        new("entries", "backup_entries", "status", "''", "1", null, ["status"]),
        new("content_checks", "backup_entries", "content_check", "''", "1", null, ["content_check"]),
        new("deliveries", "deliveries", "destination", "state", "1", null, ["destination", "state"]),
        new("jobs", "expected_backup_jobs", "current_status", "''", "1", "is_active", ["current_status", "is_active"]),
        new("scans", "scan_runs", "''", "''", "1", null, ["bytes_verified"]),
        new("bytes_verified", "scan_runs", "''", "''", "bytes_verified", null, ["bytes_verified"]),
    ];

    private static IEnumerable<IGrouping<string, Family>> ByTable => Families.GroupBy(f => f.Table);

    public static void CreateSqlite(MigrationBuilder migration)
    {
        migration.Sql("""
            CREATE TABLE history_counts (
                family TEXT NOT NULL, label TEXT NOT NULL, label2 TEXT NOT NULL, n INTEGER NOT NULL,
                PRIMARY KEY (family, label, label2)) WITHOUT ROWID;
            """);
        foreach (var table in ByTable)
        {
            var watched = table.SelectMany(f => f.WatchedColumns).Distinct().ToList();
            migration.Sql($"CREATE TRIGGER history_counts_{table.Key}_insert AFTER INSERT ON {table.Key} BEGIN\n" +
                string.Concat(table.Select(f => SqliteBump(f, "NEW", "+"))) + "END;");
            migration.Sql($"CREATE TRIGGER history_counts_{table.Key}_delete AFTER DELETE ON {table.Key} BEGIN\n" +
                string.Concat(table.Select(f => SqliteBump(f, "OLD", "-"))) + "END;");
            migration.Sql($"CREATE TRIGGER history_counts_{table.Key}_update AFTER UPDATE OF {string.Join(", ", watched)} ON {table.Key}\n" +
                $"WHEN {string.Join(" OR ", watched.Select(c => $"OLD.{c} IS NOT NEW.{c}"))} BEGIN\n" +
                string.Concat(table.Select(f => SqliteBump(f, "OLD", "-") + SqliteBump(f, "NEW", "+"))) + "END;");
        }
        Backfill(migration);
    }

    public static void CreatePostgres(MigrationBuilder migration)
    {
        migration.Sql("""
            CREATE TABLE history_counts (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                family text NOT NULL, label text NOT NULL, label2 text NOT NULL, n bigint NOT NULL);
            """);
        foreach (var table in ByTable)
        {
            var watched = table.SelectMany(f => f.WatchedColumns).Distinct().ToList();
            var name = $"history_counts_{table.Key}";
            migration.Sql($"""
                CREATE FUNCTION {name}_rows() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                {string.Concat(table.Select(f => PostgresStatementBump(f, "changed_rows", "")))}    ELSE
                {string.Concat(table.Select(f => PostgresStatementBump(f, "changed_rows", "-")))}    END IF;
                    RETURN NULL;
                END $$;
                """);
            migration.Sql($"CREATE TRIGGER {name}_insert AFTER INSERT ON {table.Key} REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}_rows();");
            migration.Sql($"CREATE TRIGGER {name}_delete AFTER DELETE ON {table.Key} REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}_rows();");
            migration.Sql($"""
                CREATE FUNCTION {name}_update() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                {string.Concat(table.Select(f => PostgresRowBump(f, "OLD", "-") + PostgresRowBump(f, "NEW", "")))}    RETURN NULL;
                END $$;
                """);
            migration.Sql($"CREATE TRIGGER {name}_update AFTER UPDATE OF {string.Join(", ", watched)} ON {table.Key} FOR EACH ROW\n" +
                $"WHEN ({string.Join(" OR ", watched.Select(c => $"OLD.{c} IS DISTINCT FROM NEW.{c}"))}) EXECUTE FUNCTION {name}_update();");
        }
        Backfill(migration);
    }

    public static void Drop(MigrationBuilder migration, bool postgres)
    {
        foreach (var table in ByTable)
        {
            foreach (var operation in new[] { "insert", "delete", "update" })
                migration.Sql($"DROP TRIGGER IF EXISTS history_counts_{table.Key}_{operation}" + (postgres ? $" ON {table.Key};" : ";"));
            if (postgres) migration.Sql($"DROP FUNCTION IF EXISTS history_counts_{table.Key}_rows(); DROP FUNCTION IF EXISTS history_counts_{table.Key}_update();");
        }
        migration.Sql("DROP TABLE history_counts;");
    }

    /// <summary>The counts of the rows already there, in the migration's transaction.</summary>
    private static void Backfill(MigrationBuilder migration)
    {
        foreach (var f in Families)
            migration.Sql($"INSERT INTO history_counts (family, label, label2, n) SELECT '{f.Name}', {Label(f, "")}, {Label2(f, "")}, SUM({f.Count}) " +
                $"FROM {f.Table}{Where(f, "")}{GroupBy(f)};");
    }

    private static string SqliteBump(Family f, string row, string sign)
    {
        var condition = Where(f, row + ".");
        return $"    INSERT INTO history_counts (family, label, label2, n) SELECT '{f.Name}', {Label(f, row + ".")}, {Label2(f, row + ".")}, {sign}{Count(f, row + ".")}" +
            (condition.Length == 0 ? " WHERE 1" : condition) +
            $" ON CONFLICT (family, label, label2) DO UPDATE SET n = n + excluded.n;\n";
    }

    private static string PostgresStatementBump(Family f, string rows, string sign) =>
        $"        INSERT INTO history_counts (family, label, label2, n) SELECT '{f.Name}', {Label(f, "")}, {Label2(f, "")}, {sign}SUM({f.Count}) " +
        $"FROM {rows}{Where(f, "")}{GroupBy(f)};\n";

    private static string PostgresRowBump(Family f, string row, string sign)
    {
        var condition = Where(f, row + ".");
        var insert = $"INSERT INTO history_counts (family, label, label2, n) VALUES ('{f.Name}', {Label(f, row + ".")}, {Label2(f, row + ".")}, {sign}{Count(f, row + ".")});";
        return condition.Length == 0 ? $"    {insert}\n" : $"    IF {condition[" WHERE ".Length..]} THEN {insert} END IF;\n";
    }

    /// <summary>Grouped by the label columns; a family without any (scans) is one row, none when no row is counted.</summary>
    private static string GroupBy(Family f)
    {
        var columns = new[] { Label(f, ""), Label2(f, "") }.Where(c => c != "''").ToList();
        return columns.Count == 0 ? " HAVING COUNT(*) > 0" : $" GROUP BY {string.Join(", ", columns)}";
    }

    private static string Label(Family f, string prefix) => f.Label == "''" ? "''" : prefix + f.Label;

    private static string Label2(Family f, string prefix) => f.Label2 == "''" ? "''" : prefix + f.Label2;

    private static string Count(Family f, string prefix) => f.Count == "1" ? "1" : prefix + f.Count;

    /// <summary>Which rows a family counts: entries without a content check are not counted there; jobs only while active.</summary>
    private static string Where(Family f, string prefix) =>
        f.ActiveColumn is { } active ? $" WHERE {prefix}{active}"
        : f.Name == "content_checks" ? $" WHERE {prefix}content_check IS NOT NULL"
        : "";
}
