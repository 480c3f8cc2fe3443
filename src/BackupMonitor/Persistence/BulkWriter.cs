using System.Data.Common;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace BackupMonitor.Persistence;

/// <summary>
/// Writes many rows of one table through ONE reused command inside the caller's transaction, for the scan's
/// batch commit: SaveChanges builds, prepares and binds a new statement per row, which costs more than the
/// scan's file work. Table and column names and value conversions come from the EF model (the type mapping
/// makes each parameter), so the rows are exactly what SaveChanges would write, on SQLite and PostgreSQL alike.
/// On SQLite the statement is prepared once and each row's values bound by index through SQLitePCL
/// (<see cref="SqliteRows"/>) instead of Microsoft.Data.Sqlite's by-name binding and reader per row (bench/README.md,
/// issue 12). The parameters @p0, @p1, ... appear in the SQL in the columns' order, so SQLite numbers them 1, 2, ...
/// On PostgreSQL all the rows go in one statement, a column per array parameter (<see cref="PostgresRows"/>, issue 22).
/// </summary>
public static class BulkWriter
{
    /// <summary>Inserts the rows and sets their generated keys (a key the rows carry themselves is written as is).</summary>
    public static async Task InsertAsync<T>(this BackupMonitorDbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken) where T : class
    {
        if (rows.Count == 0) return;
        var entityType = db.Entity<T>();
        var key = entityType.FindPrimaryKey()!.Properties.Single();
        var generated = key.ValueGenerated != ValueGenerated.Never;
        var columns = entityType.GetProperties().Where(p => !(generated && p.IsPrimaryKey())).ToList();
        var sql = $"INSERT INTO {db.Table<T>()} ({string.Join(", ", columns.Select(c => RawSql.Quote(c.GetColumnName())))}) " +
            $"VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})" + (generated ? $" RETURNING {RawSql.Quote(key.GetColumnName())}" : "");
        await using var command = CreateCommand(db, sql);
        using (var sqlite = SqliteRows.TryPrepare(db, sql, columns))
        {
            if (sqlite is not null)
            {
                foreach (var row in rows)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var id = sqlite.Execute(row);
                    if (generated) SetKey(key, row, id);
                }
                return;
            }
        }
        if (db.Database.IsNpgsql())
        {
            await PostgresRows.InsertAsync(db, rows, key, generated, columns, cancellationToken);
            return;
        }
        var binder = new Binder(command, columns);
        foreach (var row in rows)
        {
            binder.Bind(row);
            if (!generated)
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
                continue;
            }
            SetKey(key, row, await command.ExecuteScalarAsync(cancellationToken));
        }
    }

    private static void SetKey(IProperty key, object row, object? id) =>
        key.PropertyInfo!.SetValue(row, Convert.ChangeType(id ?? throw new InvalidOperationException("the insert returned no key"), key.ClrType, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Writes the named properties of tracked rows (by key) and marks the rows unchanged.</summary>
    public static async Task UpdateAsync<T>(this BackupMonitorDbContext db, IReadOnlyCollection<T> rows, IReadOnlyList<string> propertyNames, CancellationToken cancellationToken) where T : class
    {
        if (rows.Count == 0) return;
        var entityType = db.Entity<T>();
        var key = entityType.FindPrimaryKey()!.Properties.Single();
        var columns = propertyNames.Select(n => entityType.FindProperty(n)!).Append(key).ToList();
        var sql = $"UPDATE {db.Table<T>()} SET {string.Join(", ", columns.SkipLast(1).Select((c, i) => $"{RawSql.Quote(c.GetColumnName())} = @p{i}"))} " +
            $"WHERE {RawSql.Quote(key.GetColumnName())} = @p{columns.Count - 1}";
        await using var command = CreateCommand(db, sql);
        using (var sqlite = SqliteRows.TryPrepare(db, sql, columns))
        {
            if (sqlite is not null)
            {
                foreach (var row in rows)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    sqlite.Execute(row);
                }
            }
            else if (db.Database.IsNpgsql())
            {
                await PostgresRows.UpdateAsync(db, rows, columns, cancellationToken);
            }
            else
            {
                var binder = new Binder(command, columns);
                foreach (var row in rows)
                {
                    binder.Bind(row);
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
            }
        }
        // Only the rows EF tracks need marking (asking EF about an untracked row would start tracking it).
        var written = rows.ToHashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var entry in db.ChangeTracker.Entries<T>().Where(e => written.Contains(e.Entity)).ToList()) entry.State = EntityState.Unchanged;
    }

    private static DbCommand CreateCommand(BackupMonitorDbContext db, string sql) =>
        db.Database.CurrentTransaction is null
            ? throw new InvalidOperationException("bulk writes run inside the caller's transaction")
            : db.Command(sql);

    /// <summary>
    /// One parameter per column, made once by the column's type mapping (as SaveChanges would make it) and given
    /// each row's value in turn, converted as the mapping converts it: no allocation per value. Values are read by
    /// reflection: EF's property getters compile an expression tree each, which cost more at the start of a scan
    /// (about 50 ms for the scan's five tables, bench/) than reflection costs over 10,000 rows.
    /// </summary>
    private sealed class Binder
    {
        private readonly (DbParameter Parameter, IProperty Column, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? Converter)[] slots;

        public Binder(DbCommand command, IReadOnlyList<IProperty> columns)
        {
            slots = new (DbParameter, IProperty, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter?)[columns.Count];
            for (var i = 0; i < columns.Count; i++)
            {
                var mapping = columns[i].GetRelationalTypeMapping();
                var parameter = mapping.CreateParameter(command, "@p" + i, null, columns[i].IsNullable);
                command.Parameters.Add(parameter);
                slots[i] = (parameter, columns[i], mapping.Converter);
            }
        }

        public void Bind(object row)
        {
            foreach (var (parameter, column, converter) in slots)
            {
                var value = RawSql.ValueOf(column, row);
                if (value is not null && converter is not null) value = converter.ConvertToProvider(value);
                parameter.Value = value ?? DBNull.Value;
            }
        }
    }
}
