using System.CommandLine;

namespace BackupMonitor.Cli;

/// <summary>`db migrate`.</summary>
internal static class DbCommand
{
    public static Command Build(CliContext context)
    {
        var db = new Command("db", "Database maintenance");
        var migrate = new Command("migrate", "Create or upgrade the database schema (every command also does it)");
        migrate.SetAction(async (_, ct) =>
        {
            await using var services = await context.StartAsync(ct);
            await context.Out.WriteLineAsync("Database schema is up to date.");
            return CliApp.Done;
        });
        db.Subcommands.Add(migrate);
        return db;
    }
}
