using System.CommandLine;
using BackupMonitor.Contracts;
using BackupMonitor.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Cli;

/// <summary>`maintenance add | list | remove` (SPEC §6.3, §8).</summary>
internal static class MaintenanceCommands
{
    public static Command Build(CliContext context)
    {
        var maintenance = new Command("maintenance", "Maintenance windows: times when some jobs' alerts are suppressed (entries are still recorded)");
        maintenance.Subcommands.Add(Add(context));
        maintenance.Subcommands.Add(List(context));
        maintenance.Subcommands.Add(Remove(context));
        return maintenance;
    }

    private static async Task<int> WithRegistryAsync(CliContext context, CancellationToken ct, Func<MaintenanceRegistry, Task> work)
    {
        await using var services = await context.StartAsync(ct);
        await using var scope = services.CreateAsyncScope();
        try
        {
            await work(scope.ServiceProvider.GetRequiredService<MaintenanceRegistry>());
            return CliApp.Done;
        }
        catch (RoutingRequestException e)
        {
            throw new CommandFailedException(e.Message);
        }
    }

    private static Command Add(CliContext context)
    {
        var company = new Option<string?>("--company") { Description = "only jobs of this company (* matches any run of characters)" };
        var city = new Option<string?>("--city") { Description = "only jobs of this city" };
        var agent = new Option<string?>("--agent") { Description = "only jobs of this agent" };
        var database = new Option<string?>("--database") { Description = "only jobs of this database" };
        var from = new Option<string?>("--from") { Description = "one-off window: start, ISO 8601 (e.g. 2026-12-05T22:00:00Z)" };
        var until = new Option<string?>("--until") { Description = "one-off window: end, ISO 8601" };
        var schedule = new Option<string?>("--schedule") { Description = "recurring window: when each occurrence starts, 5-field cron (e.g. '0 2 * * 6')" };
        var duration = new Option<int?>("--duration-minutes") { Description = "recurring window: how long each occurrence lasts" };
        var timeZone = new Option<string?>("--time-zone") { Description = "recurring window: IANA zone the schedule is read in (default UTC)" };
        var reason = new Option<string?>("--reason") { Description = "why (shown in the outbox's suppressed deliveries)" };
        var command = new Command("add", "Add a maintenance window; prints its id") { company, city, agent, database, from, until, schedule, duration, timeZone, reason };
        command.SetAction(async (parse, ct) => await WithRegistryAsync(context, ct, async registry =>
        {
            var window = await registry.AddAsync(new MaintenanceRequest(parse.GetValue(company), parse.GetValue(city), parse.GetValue(agent), parse.GetValue(database),
                parse.GetValue(from), parse.GetValue(until), parse.GetValue(schedule), parse.GetValue(duration), parse.GetValue(timeZone), parse.GetValue(reason)), ct);
            var view = MaintenanceView.Of(window, context.Time.GetUtcNow().UtcDateTime);
            await context.Out.WriteLineAsync(window.Id.ToString());
            await context.Err.WriteLineAsync($"Maintenance window {window.Id} added: {view.When}, jobs {view.Jobs}{(view.OpenNow ? " (open now)" : "")}.");
        }));
        return command;
    }

    private static Command List(CliContext context)
    {
        var format = CliApp.FormatOption();
        var command = new Command("list", "List maintenance windows") { format };
        command.SetAction(async (parse, ct) => await WithRegistryAsync(context, ct, async registry =>
        {
            var now = context.Time.GetUtcNow().UtcDateTime;
            var views = (await registry.ListAsync(ct)).Select(w => MaintenanceView.Of(w, now)).ToList();
            if (parse.GetValue(format) == "json") Json.Write(context.Out, views);
            else Table.Write(context.Out, ["ID", "WHEN", "JOBS", "OPEN NOW", "REASON"],
                views.Select(v => new[] { v.Id.ToString(), v.When, v.Jobs, v.OpenNow ? "yes" : "no", v.Reason ?? "" }));
        }));
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var id = new Argument<int>("ID") { Description = "window id" };
        var command = new Command("remove", "Remove a maintenance window (it ends now)") { id };
        command.SetAction(async (parse, ct) => await WithRegistryAsync(context, ct, async registry =>
        {
            await registry.RemoveAsync(parse.GetValue(id), ct);
            await context.Out.WriteLineAsync($"Maintenance window {parse.GetValue(id)} removed.");
        }));
        return command;
    }
}
