using System.CommandLine;
using System.Text.RegularExpressions;
using BackupMonitor.Configuration;
using BackupMonitor.Jobs;

namespace BackupMonitor.Cli;

/// <summary>`backupmonitor &lt;command&gt;`: parsing, help, and exit codes (0 done, 1 failed, 2 bad usage).</summary>
public static partial class CliApp
{
    public const int Done = 0;
    public const int Failed = 1;
    public const int BadUsage = 2;

    [GeneratedRegex("^--([A-Z][A-Z0-9_]*)=(.*)$")]
    private static partial Regex SettingArgument();

    public static Task<int> RunAsync(string[] args) =>
        RunAsync(args, new CliContext(Console.Out, Console.Error, null, TimeProvider.System));

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        // `--SETTING_NAME=value` arguments are settings (SPEC §7), not options of a command.
        var remaining = new List<string>();
        foreach (var arg in args)
        {
            var match = SettingArgument().Match(arg);
            if (match.Success) context.SettingArguments[match.Groups[1].Value] = match.Groups[2].Value;
            else remaining.Add(arg);
        }

        var root = BuildRoot(context);
        var parse = root.Parse(remaining);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) await context.Err.WriteLineAsync($"error: {error.Message}");
            await context.Err.WriteLineAsync($"Run '{UsageOf(parse)} --help' for usage.");
            return BadUsage;
        }

        try
        {
            // Failures are reported below as one line; System.CommandLine's own handler would print a stack trace.
            var invocation = new InvocationConfiguration { Output = context.Out, Error = context.Err, EnableDefaultExceptionHandler = false };
            // `serve` handles SIGTERM itself (the web host waits for the scan in progress); System.CommandLine's
            // handler would end the process 2 s after the signal, in the middle of that scan, with exit code 143.
            if (parse.CommandResult.Command.Name == ServeCommand.Name) invocation.ProcessTerminationTimeout = null;
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            await context.Err.WriteLineAsync($"error: {message}");
            return Failed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug, not an operator's mistake: keep the whole exception for the report.
            await context.Err.WriteLineAsync($"error: unexpected failure: {e}");
            return Failed;
        }
    }

    private static string? Describe(Exception e) => e switch
    {
        SettingsException or DuplicateJobException or DatabaseUnavailableException or CommandFailedException => e.Message,
        JobValidationException v => string.Join(Environment.NewLine + "error: ", v.Problems),
        IOException or UnauthorizedAccessException => e.Message,
        _ => null,
    };

    private static string UsageOf(ParseResult parse)
    {
        var names = new List<string>();
        for (var command = parse.CommandResult; command is not null; command = command.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, command.Command.Name);
        names[0] = "backupmonitor";
        return string.Join(' ', names);
    }

    private static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand(
            "BackupMonitor: verifies the backups your sites ship to staging, promotes the good ones, quarantines the bad, " +
            "notices the missing, and keeps the history. Settings come from environment variables, appsettings.json or --NAME=value.");
        root.Subcommands.Add(JobsCommands.Build(context));
        root.Subcommands.Add(EntriesCommands.Build(context));
        root.Subcommands.Add(ScanCommand.Build(context));
        root.Subcommands.Add(NotificationsCommands.BuildNotifications(context));
        root.Subcommands.Add(NotificationsCommands.BuildNotify(context));
        root.Subcommands.Add(DestinationsCommands.BuildDestinations(context));
        root.Subcommands.Add(DestinationsCommands.BuildRoutes(context));
        root.Subcommands.Add(MaintenanceCommands.Build(context));
        root.Subcommands.Add(KeysCommands.BuildKeys(context));
        root.Subcommands.Add(KeysCommands.BuildAudit(context));
        root.Subcommands.Add(ReportsCommands.Build(context));
        root.Subcommands.Add(DrillsCommands.Build(context));
        root.Subcommands.Add(AgentsCommands.Build(context));
        root.Subcommands.Add(RetentionCommands.Build(context));
        root.Subcommands.Add(DemoCommand.Build(context));
        root.Subcommands.Add(DbCommand.Build(context));
        root.Subcommands.Add(ServeCommand.Build(context));
        return root;
    }

    internal static Option<string> FormatOption() =>
        new Option<string>("--format") { Description = "table (default) or json", DefaultValueFactory = _ => "table" }
            .AcceptOnlyFromAmong("table", "json");
}

/// <summary>The command could not do what was asked (unknown id, unusable folder…); exit code 1.</summary>
public sealed class CommandFailedException(string message) : Exception(message);
