using System.CommandLine;
using BackupMonitor.Contracts;
using BackupMonitor.Domain;
using BackupMonitor.Drills;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Cli;

/// <summary>`drills run`, `drills list` (SPEC §13).</summary>
internal static class DrillsCommands
{
    public static Command Build(CliContext context)
    {
        var drills = new Command("drills", "Restore drills: prove each backup restores");
        drills.Subcommands.Add(BuildRun(context));
        drills.Subcommands.Add(BuildList(context));
        return drills;
    }

    private static Command BuildRun(CliContext context)
    {
        var job = new Option<int?>("--job") { Description = "only this job's latest validated backup" };
        var format = CliApp.FormatOption();
        var run = new Command("run", "Drill now, whatever the interval, the latest validated backup of every active job (or of one), then deliver notices") { job, format };
        run.SetAction(async (parse, ct) =>
        {
            await using var services = await context.StartAsync(ct);
            await services.GetRequiredService<DrillServer>().CheckAsync(ct);
            var json = parse.GetValue(format) == "json";
            // Progress on a terminal only: scripts and logs (and --format json) stay clean.
            Action<int, int, int>? progress = json || !context.ShowsProgress ? null
                : (done, total, jobId) => context.Err.WriteLine($"drill {done}/{total}: job {jobId}…");
            var done = await services.GetRequiredService<DrillService>().RunNowAsync(parse.GetValue(job), progress, ct);
            await using (var scope = services.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<INoticeDelivery>().DeliverPendingAsync(ct, DeliveryPass.EveryPending);
            if (json) Json.Write(context.Out, done.Select(DrillView.Of));
            else WriteTable(context.Out, done);
            return CliApp.Done;
        });
        return run;
    }

    private static Command BuildList(CliContext context)
    {
        var job = new Option<int?>("--job") { Description = "only this job's drills" };
        var status = new Option<string?>("--status") { Description = "only drills with this status" }
            .AcceptOnlyFromAmong(DrillStatusNames.All.Select(s => s.ToWire()).ToArray());
        var limit = new Option<int>("--limit") { Description = "at most this many (default 50)", DefaultValueFactory = _ => 50 };
        limit.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--limit must be at least 1"); });
        var format = CliApp.FormatOption();
        var list = new Command("list", "List restore drills, newest first") { job, status, limit, format };
        list.SetAction(async (parse, ct) =>
        {
            DrillStatusNames.TryParse(parse.GetValue(status), out var wanted);
            await using var services = await context.StartAsync(ct);
            await using var scope = services.CreateAsyncScope();
            var rows = await scope.ServiceProvider.GetRequiredService<DrillStore>()
                .ListAsync(parse.GetValue(job), parse.GetValue(status) is null ? null : wanted, parse.GetValue(limit), ct);
            if (parse.GetValue(format) == "json") Json.Write(context.Out, rows.Select(DrillView.Of));
            else WriteTable(context.Out, rows);
            return CliApp.Done;
        });
        return list;
    }

    public static void WriteTable(TextWriter output, IEnumerable<Drill> drills) =>
        Table.Write(output, ["ID", "JOB", "ENTRY", "STATUS", "STARTED", "DURATION", "FORMAT", "TABLES", "ROWS", "DETAIL"],
            drills.Select(d => new[]
            {
                d.Id.ToString(), d.JobId.ToString(), d.EntryId.ToString(), d.Status.ToWire(), Table.Time(d.StartedAtUtc),
                d.DurationMs is { } ms ? $"{ms / 1000.0:0.0} s" : "-", d.Format ?? "-", d.Tables?.ToString() ?? "-", d.Rows?.ToString("N0") ?? "-",
                d.Detail?.ReplaceLineEndings(" | ") ?? "",
            }));
}
