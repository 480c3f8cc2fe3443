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
/// </summary>
public static class BulkWriter
{
    /// <summary>Inserts the rows and sets their generated keys.</summary>
    public static async Task InsertAsync<T>(this BackupMonitorDbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken) where T : class
    {
        if (rows.Count == 0) return;
        var entityType = db.Model.FindEntityType(typeof(T))!;
        var key = entityType.FindPrimaryKey()!.Properties.Single();
        var columns = entityType.GetProperties().Where(p => !p.IsPrimaryKey()).ToList();
        await using var command = CreateCommand(db,
            $"INSERT INTO {Quote(entityType.GetTableName()!)} ({string.Join(", ", columns.Select(c => Quote(c.GetColumnName())))}) " +
            $"VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))}) RETURNING {Quote(key.GetColumnName())}");
        foreach (var row in rows)
        {
            Bind(command, columns, row);
            var id = await command.ExecuteScalarAsync(cancellationToken);
            key.PropertyInfo!.SetValue(row, Convert.ChangeType(id, key.ClrType, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Writes the named properties of tracked rows (by key) and marks the rows unchanged.</summary>
    public static async Task UpdateAsync<T>(this BackupMonitorDbContext db, IReadOnlyCollection<T> rows, IReadOnlyList<string> propertyNames, CancellationToken cancellationToken) where T : class
    {
        if (rows.Count == 0) return;
        var entityType = db.Model.FindEntityType(typeof(T))!;
        var key = entityType.FindPrimaryKey()!.Properties.Single();
        var columns = propertyNames.Select(n => entityType.FindProperty(n)!).Append(key).ToList();
        await using var command = CreateCommand(db,
            $"UPDATE {Quote(entityType.GetTableName()!)} SET {string.Join(", ", columns.SkipLast(1).Select((c, i) => $"{Quote(c.GetColumnName())} = @p{i}"))} " +
            $"WHERE {Quote(key.GetColumnName())} = @p{columns.Count - 1}");
        foreach (var row in rows)
        {
            Bind(command, columns, row);
            await command.ExecuteNonQueryAsync(cancellationToken);
            var entry = db.Entry(row);
            if (entry.State != EntityState.Detached) entry.State = EntityState.Unchanged;
        }
    }

    private static DbCommand CreateCommand(BackupMonitorDbContext db, string sql)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("bulk writes run inside the caller's transaction");
        command.CommandText = sql;
        return command;
    }

    private static void Bind(DbCommand command, List<IProperty> columns, object row)
    {
        command.Parameters.Clear();
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            var value = column.PropertyInfo is PropertyInfo property ? property.GetValue(row) : null;
            command.Parameters.Add(column.GetRelationalTypeMapping().CreateParameter(command, "@p" + i, value, column.IsNullable));
        }
    }

    private static string Quote(string identifier) => $"\"{identifier}\"";
}
