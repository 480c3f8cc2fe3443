using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BackupMonitor.Persistence;

/// <summary>Stores DateTime as UTC and reads it back with Kind = Utc (SQLite and PostgreSQL alike).</summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => Domain.Timestamps.Normalize(v),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

/// <summary>Stores an enum as its lowercase snake-case name, the same text users see on the wire.</summary>
internal sealed class WireNameConverter<TEnum>() : ValueConverter<TEnum, string>(
    v => SnakeCase.Of(v.ToString()),
    v => Enum.Parse<TEnum>(v.Replace("_", ""), true))
    where TEnum : struct, Enum;

internal static class SnakeCase
{
    public static string Of(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var startsWord = i > 0 && char.IsUpper(c)
                && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])
                    || (char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1])));
            if (startsWord) builder.Append('_');
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    /// <summary>Tables, columns, keys and indexes in snake case, so SQL reads the same as the SPEC.</summary>
    public static void UseSnakeCaseNames(this ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties().Where(p => p.FindAnnotation(RelationalAnnotationNames.ColumnName) is null))
                property.SetColumnName(Of(property.Name));
            foreach (var key in entity.GetKeys())
                key.SetName(Of(key.GetName() ?? key.GetDefaultName()!));
            foreach (var foreignKey in entity.GetForeignKeys())
                foreignKey.SetConstraintName(Of(foreignKey.GetConstraintName() ?? foreignKey.GetDefaultName()!));
            foreach (var index in entity.GetIndexes())
                index.SetDatabaseName(Of(index.GetDatabaseName() ?? index.GetDefaultDatabaseName()!));
        }
    }
}
