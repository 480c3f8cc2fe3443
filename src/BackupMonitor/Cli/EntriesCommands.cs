using System.CommandLine;
using BackupMonitor.Contracts;
using BackupMonitor.Domain;
using BackupMonitor.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Cli;

/// <summary>`entries list`.</summary>
internal static class EntriesCommands
{
    public static Command Build(CliContext context)
    {
        var entries = new Command("entries", "Backup history");
        var job = new Option<int?>("--job") { Description = "only this job's entries" };
        var status = new Option<string?>("--status") { Description = "only entries with this status" }
            .AcceptOnlyFromAmong(StatusNames.AllEntryStatuses.Select(s => s.ToWire()).ToArray());
        var limit = new Option<int>("--limit") { Description = "at most this many (default 50)", DefaultValueFactory = _ => 50 };
        limit.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--limit must be at least 1"); });
        var format = CliApp.FormatOption();
        var list = new Command("list", "List backup entries, newest first") { job, status, limit, format };
        list.SetAction(async (parse, ct) =>
        {
            StatusNames.TryParseEntryStatus(parse.GetValue(status), out var wanted);
            await using var services = await context.StartAsync(ct);
            await using var scope = services.CreateAsyncScope();
            var rows = await scope.ServiceProvider.GetRequiredService<JobRegistry>()
                .EntriesAsync(parse.GetValue(job), parse.GetValue(status) is null ? null : wanted, parse.GetValue(limit), ct);
            if (parse.GetValue(format) == "json") Json.Write(context.Out, rows.Select(EntryView.Of));
            else
                Table.Write(context.Out, ["ID", "JOB", "STATUS", "AGENT TIME / CYCLE", "FILE", "WENT TO", "MESSAGE"],
                    rows.Select(e => new[]
                    {
                        e.Id.ToString(), e.ExpectedJobId.ToString(), e.Status.ToWire(), Table.Time(e.EffectiveTimeUtc),
                        e.AgentStagedFileName ?? "-",
                        e.ValidatedPath is not null ? "validated/" + e.ValidatedPath : e.QuarantinePath is not null ? "quarantine/" + e.QuarantinePath : "-",
                        e.ErrorMessage ?? "",
                    }));
            return CliApp.Done;
        });
        entries.Subcommands.Add(list);
        return entries;
    }
}
