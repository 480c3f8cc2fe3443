using BackupMonitor.Configuration;
using BackupMonitor.Persistence;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Drills;

/// <summary>
/// Removes what interrupted drills left behind, at the start of every drill run (SPEC §13): `bm_drill_&lt;id&gt;`
/// databases on the drill server and `&lt;BACKUP_ROOT&gt;/drills/&lt;id&gt;` folders, only those whose drill finished or
/// whose claim expired (a process of this machine that no longer runs: at once) — never one another process is
/// still restoring. Running drills whose claim expired are closed as interrupted first.
/// </summary>
public sealed class DrillLeftovers(DrillStore store, DrillServer server, StorageOptions storage, ILogger<DrillLeftovers> logger)
{
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        await store.FreeClaimsOfDeadProcessesAsync(cancellationToken);
        var interrupted = await store.CloseInterruptedAsync(cancellationToken);
        if (interrupted.Count > 0)
            logger.LogWarning("Drills {Drills} were interrupted (their process stopped); closed as failed, not counted", string.Join(", ", interrupted));

        if (server.IsConfigured)
        {
            var databases = await server.DrillDatabasesAsync(cancellationToken);
            foreach (var id in await store.LeftoversAmongAsync(databases, cancellationToken))
            {
                logger.LogInformation("Dropping the leftover drill database {Database}", DrillServer.DatabaseOf(id));
                await server.DropDatabaseAsync(DrillServer.DatabaseOf(id));
            }
        }

        var root = DrillRunner.DrillsFolder(storage);
        if (!Directory.Exists(root)) return;
        var folders = Directory.EnumerateDirectories(root)
            .Select(f => int.TryParse(Path.GetFileName(f), out var id) ? id : (int?)null).OfType<int>().ToList();
        foreach (var id in await store.LeftoversAmongAsync(folders, cancellationToken))
        {
            logger.LogInformation("Removing the leftover drill folder {Folder}", DrillRunner.FolderOf(storage, id));
            DrillRunner.RemoveFolder(DrillRunner.FolderOf(storage, id));
        }
    }
}
