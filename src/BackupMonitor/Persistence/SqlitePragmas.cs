using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackupMonitor.Persistence;

/// <summary>
/// Per-connection SQLite settings. In WAL mode `synchronous=NORMAL` keeps the database consistent when the
/// process is killed and skips one fsync per commit; after a power loss the last commits may roll back, and
/// a re-scan then recognises the files those commits had moved. `busy_timeout` lets concurrent writers wait.
/// `temp_store=MEMORY` keeps statement journals (and temporary tables) in memory: every insert that fires the
/// history-counts triggers inside a batch transaction opens a statement journal, which on a temporary file cost
/// ~20 pwrite(2) an entry, about 40 % of recording history (bench/README, "Issue 22 (fourth session)"). A statement
/// journal holds the pages one statement changes, so it stays small.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";

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
