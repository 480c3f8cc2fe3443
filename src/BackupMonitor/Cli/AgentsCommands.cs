using System.CommandLine;
using BackupMonitor.Agents;
using BackupMonitor.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Cli;

/// <summary>`agents add | list | rotate | revoke` (SPEC §8, §10). `add` and `rotate` print the token once, alone on stdout.</summary>
internal static class AgentsCommands
{
    public static Command Build(CliContext context)
    {
        var agents = new Command("agents", "Agent identities: the tokens with which sites push backups and reports over HTTPS");
        agents.Subcommands.Add(Add(context));
        agents.Subcommands.Add(List(context));
        agents.Subcommands.Add(Rotate(context));
        agents.Subcommands.Add(Revoke(context));
        return agents;
    }

    private static async Task<int> WithRegistryAsync(CliContext context, CancellationToken ct, Func<AgentRegistry, Task> work)
    {
        await using var services = await context.StartAsync(ct);
        await using var scope = services.CreateAsyncScope();
        try
        {
            await work(scope.ServiceProvider.GetRequiredService<AgentRegistry>());
            return CliApp.Done;
        }
        catch (AgentRequestException e)
        {
            throw new CommandFailedException(e.Message);
        }
    }

    private static Command Add(CliContext context)
    {
        var id = new Argument<string>("AGENT_ID") { Description = "the agent's id: its staging folder name and its jobs' agent_id_responsible" };
        var description = new Option<string?>("--description") { Description = "what or where the agent is" };
        var command = new Command("add", "Add an agent; prints its token once (keep it in the agent's token file)") { id, description };
        command.SetAction(async (parse, ct) => await WithRegistryAsync(context, ct, async registry =>
        {
            var issued = await registry.AddAsync(parse.GetValue(id)!, parse.GetValue(description), ct);
            await context.Out.WriteLineAsync(issued.Token);
            await context.Err.WriteLineAsync($"Agent {issued.Agent.AgentId} added. Its token is shown this once: put it in the agent's token_file (mode 0600).");
        }));
        return command;
    }

    private static Command List(CliContext context)
    {
        var format = CliApp.FormatOption();
        var command = new Command("list", "List agents (never their tokens)") { format };
        command.SetAction(async (parse, ct) => await WithRegistryAsync(context, ct, async registry =>
        {
            var views = await registry.ViewsAsync(ct);
            if (parse.GetValue(format) == "json") Json.Write(context.Out, views);
            else Table.Write(context.Out, ["AGENT", "JOBS", "LAST SEEN", "REVOKED", "DESCRIPTION"],
                views.Select(v => new[] { v.AgentId, v.Jobs.ToString(), Time(v.LastSeenAtUtc) ?? "never", Time(v.RevokedAtUtc) ?? "", v.Description ?? "" }));
        }));
        return command;
    }

    private static Command Rotate(CliContext context)
    {
        var id = new Argument<string>("AGENT_ID") { Description = "agent id" };
        var command = new Command("rotate", "Give an agent a new token (printed once); the old one stops at once") { id };
        command.SetAction(async (parse, ct) => await WithRegistryAsync(context, ct, async registry =>
        {
            var issued = await registry.RotateAsync(parse.GetValue(id)!, ct);
            await context.Out.WriteLineAsync(issued.Token);
            await context.Err.WriteLineAsync($"Agent {issued.Agent.AgentId} has a new token (shown this once); the old one no longer works.");
        }));
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var id = new Argument<string>("AGENT_ID") { Description = "agent id" };
        var command = new Command("revoke", "Stop an agent's token at once (its jobs and history stay; `rotate` gives it a new one)") { id };
        command.SetAction(async (parse, ct) => await WithRegistryAsync(context, ct, async registry =>
        {
            var agent = await registry.RevokeAsync(parse.GetValue(id)!, ct);
            await context.Out.WriteLineAsync($"Agent {agent.AgentId} revoked.");
        }));
        return command;
    }

    private static string? Time(DateTime? utc) => utc?.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}
