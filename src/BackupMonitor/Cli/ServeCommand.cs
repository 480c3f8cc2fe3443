using System.CommandLine;
using BackupMonitor.Configuration;
using BackupMonitor.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace BackupMonitor.Cli;

/// <summary>`serve [--urls URL]`: the HTTP API, a scan every SCAN_INTERVAL_SECONDS, and notification delivery.</summary>
internal static class ServeCommand
{
    public const string Name = "serve";

    public static Command Build(CliContext context)
    {
        var urls = new Option<string?>("--urls")
        {
            Description = "where to listen, e.g. http://127.0.0.1:8080 (several separated by ';'; default http://localhost:5000)",
        };
        var command = new Command(Name, "Run the HTTP API with scans every SCAN_INTERVAL_SECONDS and notification delivery; needs API_KEYS") { urls };
        command.SetAction(async (parse, ct) =>
        {
            WebApplication app;
            try
            {
                app = ServeHost.Build(Settings.From(context.Configuration()), context.Time, context.Registrations, parse.GetValue(urls), log: context.Err);
                await ServeHost.PrepareAsync(app, ct);
            }
            catch (Exception e) when (e is SettingsException or DatabaseUnavailableException)
            {
                // One line, not System.CommandLine's "Unhandled exception" and stack trace.
                await context.Err.WriteLineAsync($"error: {e.Message}");
                return CliApp.Failed;
            }
            await using (app)
            {
                // Returns after SIGTERM or Ctrl+C, once the scan in progress (if any) has finished.
                await app.StartAsync(ct);
                await app.WaitForShutdownAsync(ct);
            }
            return CliApp.Done;
        });
        return command;
    }
}
