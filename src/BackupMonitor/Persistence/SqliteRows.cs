using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SQLitePCL;

namespace BackupMonitor.Persistence;

/// <summary>
/// <see cref="BulkWriter"/>'s path on SQLite: one statement prepared once per call through SQLitePCL and each row's
/// values bound by index (sqlite3_bind_*), then stepped and reset. Microsoft.Data.Sqlite binds every parameter by
/// name on every execution (a lookup in the statement per parameter) and wraps each row in a reader; here a row
/// costs its binds and one step. Values are converted by the column's EF converter and then stored exactly as
/// Microsoft.Data.Sqlite stores them (its SqliteValueBinder: integers, TEXT dates "yyyy-MM-dd HH:mm:ss.FFFFFFF",
/// UTF-8 text, blobs), so the rows read back the same whichever path wrote them (BulkWriterTests).
/// A column whose provider type this does not cover makes the caller take the ADO.NET path.
/// </summary>
internal sealed class SqliteRows : IDisposable
{
    private readonly sqlite3 connection;
    private readonly sqlite3_stmt statement;
    private readonly Column[] columns;
    private byte[] text = new byte[256];

    private SqliteRows(sqlite3 connection, sqlite3_stmt statement, Column[] columns) =>
        (this.connection, this.statement, this.columns) = (connection, statement, columns);

    /// <summary>The statement for these columns (bound as ?1, ?2, ... in this order), or null when this path does not apply.</summary>
    public static SqliteRows? TryPrepare(BackupMonitorDbContext db, string sql, IReadOnlyList<IProperty> properties)
    {
        if (db.Database.GetDbConnection() is not SqliteConnection { Handle: { } handle }) return null;
        var columns = new Column[properties.Count];
        for (var i = 0; i < properties.Count; i++)
        {
            if (Column.For(properties[i]) is not { } column) return null;
            columns[i] = column;
        }
        var rc = raw.sqlite3_prepare_v2(handle, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement.Dispose();
            SqliteException.ThrowExceptionForRC(rc, handle);
        }
        return new SqliteRows(handle, statement, columns);
    }

    /// <summary>Binds the row's values and runs the statement once; the first column of its first result row, if any.</summary>
    public long? Execute(object row)
    {
        try
        {
            for (var i = 0; i < columns.Length; i++) Check(Bind(i + 1, columns[i].ValueOf(row)));
            long? first = null;
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
                first ??= raw.sqlite3_column_int64(statement, 0);
            if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, connection);
            return first;
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, connection);
    }

    /// <summary>As Microsoft.Data.Sqlite's SqliteValueBinder binds a value of these types (TEXT affinity for dates).</summary>
    private int Bind(int index, object? value) => value switch
    {
        null or DBNull => raw.sqlite3_bind_null(statement, index),
        string s => BindText(index, s),
        int n => raw.sqlite3_bind_int64(statement, index, n),
        long n => raw.sqlite3_bind_int64(statement, index, n),
        bool b => raw.sqlite3_bind_int64(statement, index, b ? 1 : 0),
        DateTime t => BindText(index, t.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture)),
        short n => raw.sqlite3_bind_int64(statement, index, n),
        byte n => raw.sqlite3_bind_int64(statement, index, n),
        double d when !double.IsNaN(d) => raw.sqlite3_bind_double(statement, index, d),
        float f when !float.IsNaN(f) => raw.sqlite3_bind_double(statement, index, f),
        byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes),
        _ => throw new InvalidOperationException($"cannot bind a {value.GetType().Name} by index"),
    };

    private int BindText(int index, string value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (length > text.Length) text = new byte[Math.Max(length, text.Length * 2)];
        var written = Encoding.UTF8.GetBytes(value, text);
        return raw.sqlite3_bind_text(statement, index, text.AsSpan(0, written));
    }

    public void Dispose() => statement.Dispose();

    /// <summary>One column: how to read its value from a row and convert it for the store.</summary>
    private sealed class Column(System.Reflection.PropertyInfo property, ValueConverter? converter)
    {
        private static readonly HashSet<Type> Covered =
            [typeof(string), typeof(int), typeof(long), typeof(bool), typeof(DateTime), typeof(short), typeof(byte), typeof(double), typeof(float), typeof(byte[])];

        /// <summary>Enum-to-text conversions computed once per value (the converters are pure functions of the value).</summary>
        private readonly Dictionary<object, object?>? memo = converter is not null && (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType).IsEnum ? [] : null;

        public static Column? For(IProperty property)
        {
            var mapping = property.GetRelationalTypeMapping();
            var providerType = mapping.Converter?.ProviderClrType ?? property.ClrType;
            providerType = Nullable.GetUnderlyingType(providerType) ?? providerType;
            if (property.PropertyInfo is null || !Covered.Contains(providerType)) return null;
            // Microsoft.Data.Sqlite writes dates as TEXT unless the parameter asks for REAL (julian days): only TEXT here.
            if (providerType == typeof(DateTime) && !string.Equals(mapping.StoreType, "TEXT", StringComparison.OrdinalIgnoreCase)) return null;
            return new Column(property.PropertyInfo, mapping.Converter);
        }

        public object? ValueOf(object row)
        {
            var value = property.GetValue(row);
            if (value is null || converter is null) return value;
            if (memo is null) return converter.ConvertToProvider(value);
            if (!memo.TryGetValue(value, out var stored)) memo[value] = stored = converter.ConvertToProvider(value);
            return stored;
        }
    }
}
