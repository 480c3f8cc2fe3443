using System.CommandLine;
using BackupMonitor.Contracts;
using BackupMonitor.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Cli;

/// <summary>`destinations add | list | remove | test` and `routes add | list | remove` (SPEC §6.2, §8).</summary>
internal static class DestinationsCommands
{
    public static Command BuildDestinations(CliContext context)
    {
        var destinations = new Command("destinations", "Places notices go: e-mail, webhook, Slack, Teams, ntfy, Alertmanager");
        destinations.Subcommands.Add(Add(context));
        destinations.Subcommands.Add(List(context));
        destinations.Subcommands.Add(Remove(context));
        destinations.Subcommands.Add(Test(context));
        return destinations;
    }

    public static Command BuildRoutes(CliContext context)
    {
        var routes = new Command("routes", "Which notices go to which destination (admins receives them all)");
        routes.Subcommands.Add(AddRoute(context));
        routes.Subcommands.Add(ListRoutes(context));
        routes.Subcommands.Add(RemoveRoute(context));
        return routes;
    }

    private static async Task<T> WithRegistryAsync<T>(CliContext context, CancellationToken ct, Func<DestinationRegistry, Task<T>> work)
    {
        await using var services = await context.StartAsync(ct);
        await using var scope = services.CreateAsyncScope();
        try
        {
            return await work(scope.ServiceProvider.GetRequiredService<DestinationRegistry>());
        }
        catch (RoutingRequestException e)
        {
            throw new CommandFailedException(e.Message);
        }
    }

    private static Command Add(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "lowercase letters, digits, - and _ (at most 64)" };
        var kind = new Option<string>("--kind") { Description = "email, webhook, slack, teams, ntfy or alertmanager", Required = true }
            .AcceptOnlyFromAmong([.. DestinationRegistry.KindNames]);
        var target = new Option<string>("--target") { Description = "comma-separated addresses (email) or an http(s) URL", Required = true };
        var secret = new Option<string?>("--secret") { Description = "webhook: HMAC key of the signature header; ntfy: bearer token" };
        var command = new Command("add", "Add a destination") { name, kind, target, secret };
        command.SetAction(async (parse, ct) => await WithRegistryAsync(context, ct, async registry =>
        {
            var added = await registry.AddAsync(parse.GetValue(name), parse.GetValue(kind), parse.GetValue(target), parse.GetValue(secret), ct);
            var view = DestinationView.Of(added);
            await context.Out.WriteLineAsync($"Destination {view.Name} added: {view.Kind} {view.Target}{(view.Secret.Length > 0 ? ", secret set" : "")}.");
            return CliApp.Done;
        }));
        return command;
    }

    private static Command List(CliContext context)
    {
        var format = CliApp.FormatOption();
        var command = new Command("list", "List destinations (URLs shown as scheme, host and …; secrets never shown)") { format };
        command.SetAction(async (parse, ct) => await WithRegistryAsync(context, ct, async registry =>
        {
            var views = (await registry.ListAsync(ct)).Select(DestinationView.Of).ToList();
            if (parse.GetValue(format) == "json") Json.Write(context.Out, views);
            else Table.Write(context.Out, ["NAME", "KIND", "TARGET", "SECRET", "CREATED"],
                views.Select(v => new[] { v.Name, v.Kind, v.Target, v.Secret, v.Implicit ? "ADMIN_EMAIL_RECIPIENT" : Table.Time(v.CreatedAtUtc) }));
            return CliApp.Done;
        }));
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var name = new Argument<string>("NAME");
        var command = new Command("remove", "Remove a destination and its routes (its past deliveries stay in the outbox)") { name };
        command.SetAction(async (parse, ct) => await WithRegistryAsync(context, ct, async registry =>
        {
            await registry.RemoveAsync(parse.GetValue(name)!, ct);
            await context.Out.WriteLineAsync($"Destination {parse.GetValue(name)} removed.");
            return CliApp.Done;
        }));
        return command;
    }

    private static Command Test(CliContext context)
    {
        var name = new Argument<string>("NAME");
        var command = new Command("test", "Send a test message now and say whether the destination accepted it (exit 1 if not)") { name };
        command.SetAction(async (parse, ct) => await WithRegistryAsync(context, ct, async registry =>
        {
            var destination = parse.GetValue(name)!;
            if (await registry.TestAsync(destination, ct) is { } error)
                throw new CommandFailedException($"test message NOT accepted by {destination} — {error}");
            await context.Out.WriteLineAsync($"Test message accepted by {destination}.");
            return CliApp.Done;
        }));
        return command;
    }

    private static Command AddRoute(CliContext context)
    {
        var destination = new Option<string>("--destination") { Description = "the destination's name", Required = true };
        var company = new Option<string?>("--company") { Description = "company (exact, case-sensitive; * matches any run of characters)" };
        var city = new Option<string?>("--city") { Description = "city (same rules)" };
        var agent = new Option<string?>("--agent") { Description = "responsible agent (same rules)" };
        var database = new Option<string?>("--database") { Description = "database (same rules)" };
        var status = new Option<string?>("--status") { Description = "comma-separated: failed, missing, hash_mismatch, transfer_integrity_failed, corrupt, recovery, warning" };
        var command = new Command("add", "Send the notices these matchers all match to a destination; prints the route's id") { destination, company, city, agent, database, status };
        command.SetAction(async (parse, ct) => await WithRegistryAsync(context, ct, async registry =>
        {
            var route = await registry.AddRouteAsync(parse.GetValue(destination), parse.GetValue(company), parse.GetValue(city), parse.GetValue(agent),
                parse.GetValue(database), parse.GetValue(status) is { } s ? [s] : null, ct);
            await context.Out.WriteLineAsync(route.Id.ToString());
            return CliApp.Done;
        }));
        return command;
    }

    private static Command ListRoutes(CliContext context)
    {
        var format = CliApp.FormatOption();
        var command = new Command("list", "List routes") { format };
        command.SetAction(async (parse, ct) => await WithRegistryAsync(context, ct, async registry =>
        {
            var views = (await registry.RoutesAsync(ct)).Select(RouteView.Of).ToList();
            if (parse.GetValue(format) == "json") Json.Write(context.Out, views);
            else Table.Write(context.Out, ["ID", "DESTINATION", "COMPANY", "CITY", "AGENT", "DATABASE", "STATUS"],
                views.Select(v => new[] { v.Id.ToString(), v.Destination, v.Company ?? "*", v.City ?? "*", v.Agent ?? "*", v.Database ?? "*",
                    v.Statuses.Count == 0 ? "*" : string.Join(",", v.Statuses) }));
            return CliApp.Done;
        }));
        return command;
    }

    private static Command RemoveRoute(CliContext context)
    {
        var id = new Argument<int>("ID");
        var command = new Command("remove", "Remove a route") { id };
        command.SetAction(async (parse, ct) => await WithRegistryAsync(context, ct, async registry =>
        {
            await registry.RemoveRouteAsync(parse.GetValue(id), ct);
            await context.Out.WriteLineAsync($"Route {parse.GetValue(id)} removed.");
            return CliApp.Done;
        }));
        return command;
    }
}
