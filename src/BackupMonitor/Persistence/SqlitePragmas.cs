using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackupMonitor.Persistence;

/// <summary>
/// Per-connection SQLite settings. In WAL mode `synchronous=NORMAL` keeps the database consistent when the
/// process is killed and skips one fsync per commit; after a power loss the last commits may roll back, and
/// a re-scan then recognises the files those commits had moved. `busy_timeout` lets concurrent writers wait.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
