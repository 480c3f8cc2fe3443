using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace BackupMonitor.Persistence;

/// <summary>
/// <see cref="BulkWriter"/>'s path on PostgreSQL (issue 22): all the rows of a call in ONE statement, each column sent
/// as one array parameter and spread back into rows by `unnest`, instead of one statement and one round trip per row
/// (a batch of 128 agents commits a few thousand rows). Values go through the column's EF converter as on the other
/// path, and each array is typed as the column's store type, so the rows are what SaveChanges writes (BulkWriterTests).
/// Generated keys are taken from the key's own sequence first, one per row in the rows' order, then written with the
/// rows: what RETURNING gives back after an INSERT ... SELECT has no order one could rely on.
/// </summary>
internal static class PostgresRows
{
    public static async Task InsertAsync<T>(BackupMonitorDbContext db, IReadOnlyList<T> rows, IProperty key, bool generated,
        IReadOnlyList<IProperty> columns, CancellationToken cancellationToken) where T : class
    {
        var written = columns.ToList();
        long[]? ids = null;
        if (generated)
        {
            ids = await NextIdsAsync(db, db.Entity<T>().GetTableName()!, key.GetColumnName(), rows.Count, cancellationToken);
            written.Insert(0, key);
        }
        await using var command = db.Command();
        var arrays = written.Select((column, i) => Parameter(command, "@p" + i, column, rows, column == key && ids is not null ? ids : null)).ToList();
        command.CommandText = $"INSERT INTO {db.Table<T>()} ({string.Join(", ", written.Select(c => RawSql.Quote(c.GetColumnName())))}) " +
            $"SELECT * FROM unnest({string.Join(", ", arrays)})";
        await command.ExecuteNonQueryAsync(cancellationToken);
        if (ids is null) return;
        for (var i = 0; i < rows.Count; i++)
            key.PropertyInfo!.SetValue(rows[i], Convert.ChangeType(ids[i], key.ClrType, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Sets the columns (all but the last, which is the key) of every row from one statement joined to the arrays.</summary>
    public static async Task UpdateAsync<T>(BackupMonitorDbContext db, IReadOnlyCollection<T> rows, IReadOnlyList<IProperty> columnsThenKey, CancellationToken cancellationToken) where T : class
    {
        await using var command = db.Command();
        var list = rows.ToList();
        var arrays = columnsThenKey.Select((column, i) => Parameter(command, "@p" + i, column, list, null)).ToList();
        var names = columnsThenKey.Select(c => RawSql.Quote(c.GetColumnName())).ToList();
        var aliases = columnsThenKey.Select((_, i) => "c" + i).ToList();
        command.CommandText = $"UPDATE {db.Table<T>()} AS t SET {string.Join(", ", names.SkipLast(1).Select((n, i) => $"{n} = v.{aliases[i]}"))} " +
            $"FROM unnest({string.Join(", ", arrays)}) AS v({string.Join(", ", aliases)}) WHERE t.{names[^1]} = v.{aliases[^1]}";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long[]> NextIdsAsync(BackupMonitorDbContext db, string table, string column, int count, CancellationToken cancellationToken)
    {
        await using var command = db.Command("SELECT nextval(pg_get_serial_sequence(@table, @column)) FROM generate_series(1, @count)");
        command.Parameters.Add(new NpgsqlParameter("table", RawSql.Quote(table)));
        command.Parameters.Add(new NpgsqlParameter("column", column));
        command.Parameters.Add(new NpgsqlParameter("count", count));
        var ids = new long[count];
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        for (var i = 0; await reader.ReadAsync(cancellationToken); i++) ids[i] = reader.GetInt64(0);
        return ids;
    }

    /// <summary>One column's values over the rows, as an array parameter typed as the column is stored (`character varying[]`…).</summary>
    private static string Parameter<T>(System.Data.Common.DbCommand command, string name, IProperty column, IReadOnlyList<T> rows, long[]? values) where T : class
    {
        var mapping = column.GetRelationalTypeMapping();
        var providerType = mapping.Converter?.ProviderClrType ?? column.ClrType;
        var element = providerType.IsValueType && Nullable.GetUnderlyingType(providerType) is null ? typeof(Nullable<>).MakeGenericType(providerType) : providerType;
        var array = Array.CreateInstance(element, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            object? value = values is not null ? Convert.ChangeType(values[i], Nullable.GetUnderlyingType(element) ?? element, System.Globalization.CultureInfo.InvariantCulture) : RawSql.ValueOf(column, rows[i]);
            if (values is null && value is not null && mapping.Converter is not null) value = mapping.Converter.ConvertToProvider(value);
            array.SetValue(value, i);
        }
        command.Parameters.Add(new NpgsqlParameter(name, array) { DataTypeName = mapping.StoreTypeNameBase + "[]" });
        return name;
    }
}
