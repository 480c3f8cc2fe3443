using BackupMonitor.Decisions;
using BackupMonitor.Domain;

namespace BackupMonitor.Drills;

/// <summary>
/// Restores a PostgreSQL dump into a new database `bm_drill_&lt;id&gt;` on the drill server: a custom archive with
/// `pg_restore --exit-on-error --no-owner --no-acl`, a plain script with `psql --no-psqlrc -v ON_ERROR_STOP=1` through
/// <see cref="PlainDumpFilter"/>, the content streamed into the tool's stdin. Then counts its tables and rows, and
/// always drops the database.
/// </summary>
public sealed class PostgresRestore(DrillServer server)
{
    public async Task<DrillResult> RunAsync(int drillId, DrillInput input, DrillMethod method, CancellationToken cancellationToken)
    {
        var name = DrillServer.DatabaseOf(drillId);
        await server.CreateDatabaseAsync(name, cancellationToken);
        try
        {
            var environment = server.ToolEnvironment(name);
            ToolExit exit;
            var dropped = 0;
            if (method == DrillMethod.PgRestore)
            {
                exit = await ToolProcess.RunAsync("pg_restore", ["--exit-on-error", "--no-owner", "--no-acl", $"--dbname={name}"], environment,
                    (stdin, ct) => input.Content.CopyToAsync(stdin, 1 << 20, ct), cancellationToken);
            }
            else
            {
                PlainDumpFilter? filter = null;
                exit = await ToolProcess.RunAsync("psql", ["--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", "--output=/dev/null", $"--dbname={name}"], environment,
                    (stdin, ct) => Task.Run(() => { filter = new PlainDumpFilter(stdin); filter.Copy(input.Content, ct); }, ct), cancellationToken);
                dropped = filter?.Dropped ?? 0;
            }
            var tool = method == DrillMethod.PgRestore ? "pg_restore" : "psql";
            if (exit.ExitCode != 0)
                return DrillResult.Failed(input.Format, exit.ErrorTail.Length > 0 ? exit.ErrorTail : $"{tool} exited with code {exit.ExitCode}");
            var (tables, rows) = await server.CountAsync(name, cancellationToken);
            var note = dropped > 0 ? $"{dropped} ownership and privilege statements left out" : null;
            return new DrillResult(DrillStatus.Passed, input.Format, tables, rows, note);
        }
        finally
        {
            await server.DropDatabaseAsync(name);
        }
    }
}
