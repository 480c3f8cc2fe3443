using Microsoft.Data.Sqlite;
using Npgsql;

namespace BackupMonitor.Persistence;

/// <summary>What a database refusal means, whichever provider raised it.</summary>
public static class DatabaseErrors
{
    private const int SqliteConstraint = 19, SqliteUniqueConstraint = 2067, SqlitePrimaryKeyConstraint = 1555;
    private const string PostgresUniqueViolation = "23505";

    /// <summary>A unique index refused a row: another process (or an earlier, interrupted run) recorded it first.</summary>
    public static bool IsUniqueViolation(Exception error) => error switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint
            && sqlite.SqliteExtendedErrorCode is SqliteUniqueConstraint or SqlitePrimaryKeyConstraint,
        PostgresException postgres => postgres.SqlState == PostgresUniqueViolation,
        { InnerException: { } inner } => IsUniqueViolation(inner),
        _ => false,
    };

    /// <summary>The database's own words (EF wraps them in a DbUpdateException).</summary>
    public static string Message(Exception error) => error.InnerException?.Message ?? error.Message;
}
