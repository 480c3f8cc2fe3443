using System.CommandLine;
using BackupMonitor.Contracts;
using BackupMonitor.Domain;
using BackupMonitor.Scanning;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Cli;

/// <summary>`scan`: one scan, then a summary.</summary>
internal static class ScanCommand
{
    public static Command Build(CliContext context)
    {
        var format = CliApp.FormatOption();
        var command = new Command("scan", "Run one scan: validate reports, verify and promote backups, detect missing ones") { format };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await context.StartAsync(ct);
            var summary = await RunScanAsync(services, ct);
            if (parse.GetValue(format) == "json") Json.Write(context.Out, ScanSummaryView.Of(summary));
            else WriteSummary(context.Out, summary);
            return CliApp.Done;
        });
        return command;
    }

    /// <summary>One scan, then delivery of pending notices.</summary>
    public static Task<ScanSummary> RunScanAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<ScanService>().RunAsync(cancellationToken);

    public static void WriteSummary(TextWriter output, ScanSummary summary)
    {
        output.WriteLine($"Reports read: {summary.ReportsRead} ({summary.ReportsInvalid} invalid, quarantined)");
        output.WriteLine($"Entries created: {summary.EntriesCreated} — " +
            string.Join(", ", StatusNames.AllEntryStatuses.Select(s => $"{s.ToWire()} {summary.ByStatus[s]}")));
        output.WriteLine($"Bytes verified: {summary.BytesVerified:N0}");
        output.WriteLine($"Notifications: {summary.NotificationsSent} sent, {summary.NotificationsFailed} failed");
        output.WriteLine($"Duration: {summary.DurationMs} ms");
    }
}
