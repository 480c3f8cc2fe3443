using System.CommandLine;
using BackupMonitor.Configuration;
using BackupMonitor.Demo;
using BackupMonitor.Drills;
using BackupMonitor.Jobs;
using BackupMonitor.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Cli;

/// <summary>`demo [--dir DIR]`: a sample site tree, one scan on an embedded SQLite database, and what happened.</summary>
internal static class DemoCommand
{
    public static Command Build(CliContext context)
    {
        var dir = new Option<string?>("--dir") { Description = "folder for the demo (default: a new temporary folder); must be empty or absent" };
        var command = new Command("demo", "Build a sample site tree, scan it on an embedded SQLite database and show the outcome") { dir };
        command.SetAction(async (parse, ct) =>
        {
            var folder = Path.GetFullPath(parse.GetValue(dir) ?? Path.Combine(Path.GetTempPath(), $"backupmonitor-demo-{Guid.NewGuid():N}"[..28]));
            if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
                throw new CommandFailedException($"--dir: '{folder}' is not empty; the demo needs an empty or new folder");
            var root = Path.Combine(folder, "data");
            var overrides = new Dictionary<string, string?>
            {
                ["BACKUP_ROOT"] = root,
                ["BACKUP_STAGING_ROOT"] = null, ["BACKUP_VALIDATED_ROOT"] = null, ["BACKUP_ARCHIVE_ROOT"] = null, ["BACKUP_QUARANTINE_ROOT"] = null, ["BACKUP_TRASH_ROOT"] = null,
                ["DATABASE_PROVIDER"] = "sqlite",
                ["DATABASE_CONNECTION_STRING"] = $"Data Source={Path.Combine(root, "backupmonitor.db")}",
                ["EMAIL_PICKUP_DIRECTORY"] = Path.Combine(folder, "mail"),
                // The demo's alerts go to .eml files only, even if this shell has a real SMTP server configured.
                ["EMAIL_SENDER"] = "backupmonitor@demo.invalid",
                ["ADMIN_EMAIL_RECIPIENT"] = "admin@demo.invalid",
            };
            await using var services = await context.StartAsync(ct, overrides);
            var storage = services.GetRequiredService<StorageOptions>();
            await using (var scope = services.CreateAsyncScope())
            {
                await DemoSite.BuildAsync(scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>(), storage.Staging, context.Time.GetUtcNow().UtcDateTime, ct);
            }

            var o = context.Out;
            await o.WriteLineAsync($"BackupMonitor demo in {folder}");
            await o.WriteLineAsync($"Sample sites written to {storage.Staging}: {DemoSite.Jobs.Count} jobs, {DemoSite.Jobs.Select(j => (j.Company, j.City, j.Neighborhood)).Distinct().Count() + 1} agents, one broken report.");
            await o.WriteLineAsync();
            var summary = await ScanCommand.RunScanAsync(services, ct);
            ScanCommand.WriteSummary(o, summary);
            await o.WriteLineAsync();

            await DemoDrillsAsync(services, o, ct);

            await using (var scope = services.CreateAsyncScope())
            {
                var registry = scope.ServiceProvider.GetRequiredService<JobRegistry>();
                JobsCommands.WriteTable(o, await registry.ListAsync(cancellationToken: ct));
                await o.WriteLineAsync();
                await o.WriteLineAsync("Where the files went:");
                foreach (var (label, area) in new[] { ("validated", storage.Validated), ("quarantine", storage.Quarantine), ("archive", storage.Archive), ("staging (left)", storage.Staging) })
                {
                    var files = Directory.EnumerateFiles(area, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
                    await o.WriteLineAsync($"  {label}: {area}");
                    foreach (var file in files) await o.WriteLineAsync($"    {Path.GetRelativePath(area, file)}");
                    if (files.Count == 0) await o.WriteLineAsync("    (empty)");
                }
            }
            var mail = Path.Combine(folder, "mail");
            var messages = Directory.Exists(mail) ? Directory.EnumerateFiles(mail, "*.eml").Order(StringComparer.Ordinal).ToList() : [];
            await o.WriteLineAsync($"  e-mail alerts ({messages.Count} .eml file(s), open them with any mail program): {mail}");
            foreach (var message in messages) await o.WriteLineAsync($"    {Path.GetFileName(message)}");
            await o.WriteLineAsync();
            await o.WriteLineAsync($"Database: {Path.Combine(root, "backupmonitor.db")}");
            await o.WriteLineAsync("Explore it, for example:");
            await o.WriteLineAsync($"  dotnet run --project src/BackupMonitor -- entries list --BACKUP_ROOT={root}");
            await o.WriteLineAsync($"  dotnet run --project src/BackupMonitor -- jobs list --format json --BACKUP_ROOT={root}");
            await o.WriteLineAsync($"  dotnet run --project src/BackupMonitor -- drills list --BACKUP_ROOT={root}");
            return CliApp.Done;
        });
        return command;
    }

    /// <summary>
    /// Restore drills of the validated backups (SPEC §8, §13): the SQLite one needs no server; PostgreSQL dumps are
    /// drilled when DRILL_POSTGRES_CONNECTION_STRING is set, else skipped with how to enable them.
    /// </summary>
    private static async Task DemoDrillsAsync(IServiceProvider services, TextWriter o, CancellationToken ct)
    {
        var server = services.GetRequiredService<DrillServer>();
        await server.CheckAsync(ct);
        await o.WriteLineAsync("Restore drills of the validated backups (does each one restore?):");
        var drills = await services.GetRequiredService<DrillService>().RunNowAsync(null, null, ct);
        DrillsCommands.WriteTable(o, drills);
        if (!server.IsConfigured)
        {
            await o.WriteLineAsync();
            await o.WriteLineAsync("PostgreSQL dumps were skipped: no drill server. To drill them, point DRILL_POSTGRES_CONNECTION_STRING at a scratch");
            await o.WriteLineAsync("PostgreSQL with a role that may create databases and is not a superuser, for example:");
            await o.WriteLineAsync("  psql -c \"CREATE ROLE bm_drill LOGIN CREATEDB PASSWORD 'secret'\"");
            await o.WriteLineAsync("  DRILL_POSTGRES_CONNECTION_STRING='Host=localhost;Username=bm_drill;Password=secret;Database=postgres' dotnet run --project src/BackupMonitor -- demo");
        }
        await o.WriteLineAsync();
    }
}
