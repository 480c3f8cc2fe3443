using System.Data.Common;
using System.Reflection;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BackupMonitor.Persistence;

/// <summary>
/// Hand-written SQL for the scan's hot path. A LINQ query costs EF Core a compilation the first time each shape
/// runs in a process (tens of milliseconds each) and a parameter and shaper pipeline on every run; a scan runs a
/// few fixed shapes per batch of agents, so it writes them in SQL once. Table and column names, parameters and
/// value conversions still come from the EF model (compiled, see CompiledModels/), so what is read and written is
/// exactly what EF would read and write, on SQLite and PostgreSQL alike.
/// </summary>
public static class RawSql
{
    /// <summary>
    /// A command on the context's connection, in its current transaction if there is one. The connection is opened
    /// (through EF, so its interceptors run) and then stays open for the context's lifetime: a scan's scope.
    /// </summary>
    public static DbCommand Command(this BackupMonitorDbContext db, string sql = "")
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) db.Database.OpenConnection();
        var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        return command;
    }

    public static IEntityType Entity<T>(this BackupMonitorDbContext db) => db.Model.FindEntityType(typeof(T))!;

    public static string Table<T>(this BackupMonitorDbContext db) => Quote(db.Entity<T>().GetTableName()!);

    public static string Column<T>(this BackupMonitorDbContext db, string propertyName) => Quote(db.Entity<T>().FindProperty(propertyName)!.GetColumnName());

    public static string Quote(string identifier) => $"\"{identifier}\"";

    /// <summary>Adds a parameter holding <paramref name="value"/> as the column of <paramref name="propertyName"/> stores it.</summary>
    public static string Parameter<T>(this DbCommand command, BackupMonitorDbContext db, string name, string propertyName, object? value)
    {
        var property = db.Entity<T>().FindProperty(propertyName)!;
        command.Parameters.Add(property.GetRelationalTypeMapping().CreateParameter(command, name, value, property.IsNullable));
        return name;
    }

    /// <summary>
    /// `column IN (the values)` as one parameter whatever their number (a JSON array read by json_each on SQLite,
    /// an array with = ANY on PostgreSQL): one statement shape, prepared once, for any batch.
    /// </summary>
    public static string In<TValue>(this DbCommand command, BackupMonitorDbContext db, string column, string name, IReadOnlyCollection<TValue> values) =>
        AddValues(command, db, name, values) ? $"{column} = ANY({name})" : $"{column} IN (SELECT value FROM json_each({name}))";

    /// <summary>
    /// The values as a table of one column, `{alias}.value` (json_each on SQLite, unnest on PostgreSQL), for a query
    /// that looks each one up with a correlated subquery: one index probe per value instead of reading all its rows.
    /// </summary>
    public static string ValuesTable<TValue>(this DbCommand command, BackupMonitorDbContext db, string alias, string name, IReadOnlyCollection<TValue> values) =>
        AddValues(command, db, name, values) ? $"unnest({name}) AS {alias}(value)" : $"json_each({name}) AS {alias}";

    /// <summary>Adds the values as one parameter (an array on PostgreSQL, a JSON array on SQLite); true on PostgreSQL.</summary>
    private static bool AddValues<TValue>(DbCommand command, BackupMonitorDbContext db, string name, IReadOnlyCollection<TValue> values)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        var npgsql = db.Database.IsNpgsql();
        parameter.Value = npgsql ? values.ToArray() : JsonSerializer.Serialize(values);
        command.Parameters.Add(parameter);
        return npgsql;
    }

    /// <summary>Reads whole entities (every column of <see cref="AllColumns{T}"/>), converting each value as EF would.</summary>
    public static async Task<List<T>> ReadEntitiesAsync<T>(this DbCommand command, BackupMonitorDbContext db, CancellationToken cancellationToken) where T : class
    {
        var columns = MappedColumns<T>(db).Select(p => new ColumnReader(p)).ToList();
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ordinals = columns.Select(c => reader.GetOrdinal(c.Property.GetColumnName())).ToArray();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = Activator.CreateInstance<T>();
            for (var i = 0; i < columns.Count; i++) columns[i].Property.PropertyInfo!.SetValue(row, columns[i].Read(reader, ordinals[i]));
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>All columns of an entity's table, for `SELECT {columns} FROM ...` read by <see cref="ReadEntitiesAsync{T}"/>.</summary>
    public static string AllColumns<T>(this BackupMonitorDbContext db) => string.Join(", ", MappedColumns<T>(db).Select(p => Quote(p.GetColumnName())));

    /// <summary>The properties an entity's rows are read into: the SELECT list and the reader must agree.</summary>
    private static IEnumerable<IProperty> MappedColumns<T>(BackupMonitorDbContext db) => db.Entity<T>().GetProperties().Where(p => p.PropertyInfo is not null);

    /// <summary>The value of one column as the property of <typeparamref name="T"/> named <paramref name="propertyName"/> holds it.</summary>
    public static TValue? Read<T, TValue>(this DbDataReader reader, BackupMonitorDbContext db, int ordinal, string propertyName) =>
        (TValue?)new ColumnReader(db.Entity<T>().FindProperty(propertyName)!).Read(reader, ordinal);

    /// <summary>Reads one column's values as the property holds them; the mapping is looked up once per column, not per value.</summary>
    private sealed class ColumnReader(IProperty property)
    {
        private readonly ValueConverter? converter = property.GetRelationalTypeMapping().Converter;
        private readonly Type providerType = property.GetRelationalTypeMapping().Converter?.ProviderClrType ?? Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;

        public IProperty Property { get; } = property;

        public object? Read(DbDataReader reader, int ordinal)
        {
            if (reader.IsDBNull(ordinal)) return null;
            var value = providerType == typeof(DateTime) ? reader.GetDateTime(ordinal)
                : providerType == typeof(string) ? reader.GetString(ordinal)
                : providerType == typeof(bool) ? reader.GetBoolean(ordinal)
                : providerType == typeof(int) ? reader.GetInt32(ordinal)
                : providerType == typeof(long) ? reader.GetInt64(ordinal)
                : reader.GetValue(ordinal);
            return converter is null ? value : converter.ConvertFromProvider(value);
        }
    }

    internal static object? ValueOf(IProperty property, object row) => property.PropertyInfo is PropertyInfo info ? info.GetValue(row) : null;
}
