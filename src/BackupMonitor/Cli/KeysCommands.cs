using System.CommandLine;
using System.Globalization;
using BackupMonitor.Contracts;
using BackupMonitor.Domain;
using BackupMonitor.Notifications;
using BackupMonitor.Security;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Cli;

/// <summary>`keys add | list | revoke` and `audit list` (SPEC §8, §11). Changes made here are audited as `cli`.</summary>
internal static class KeysCommands
{
    public static Command BuildKeys(CliContext context)
    {
        var keys = new Command("keys", "Access keys for the API and the dashboard: a role (viewer, operator, admin) and optionally companies");
        keys.Subcommands.Add(Add(context));
        keys.Subcommands.Add(List(context));
        keys.Subcommands.Add(Revoke(context));
        return keys;
    }

    public static Command BuildAudit(CliContext context)
    {
        var audit = new Command("audit", "The audit trail: every change made through the API, the dashboard or the command line");
        var since = new Option<string?>("--since") { Description = "only events at or after this time, ISO 8601 (e.g. 2026-12-01T00:00:00Z)" };
        var actor = new Option<string?>("--actor") { Description = "only this actor: key:<name>, settings:API_KEYS, cli, serve, agent:<id>" };
        var limit = new Option<int>("--limit") { Description = $"at most this many events (1 to {AuditTrail.MaxLimit})", DefaultValueFactory = _ => AuditTrail.DefaultLimit };
        var format = CliApp.FormatOption();
        var list = new Command("list", "List audit events, newest first") { since, actor, limit, format };
        list.SetAction(async (parse, ct) => await WithAsync<AuditTrail>(context, ct, async trail =>
        {
            DateTime? from = null;
            if (parse.GetValue(since) is { } text)
            {
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                    throw new CommandFailedException($"--since: expected an ISO 8601 time such as 2026-12-05T22:00:00Z, got '{text}'");
                from = Timestamps.Normalize(parsed.UtcDateTime);
            }
            var size = parse.GetValue(limit);
            if (size is < 1 or > AuditTrail.MaxLimit) throw new CommandFailedException($"--limit: must be from 1 to {AuditTrail.MaxLimit}, got {size}");
            var views = (await trail.ListAsync(from, parse.GetValue(actor), size, ct)).Select(AuditView.Of).ToList();
            if (parse.GetValue(format) == "json") Json.Write(context.Out, views);
            else Table.Write(context.Out, ["ID", "AT", "ACTOR", "ACTION", "TARGET", "CHANGES"], views.Select(v => new[]
            {
                v.Id.ToString(CultureInfo.InvariantCulture), Timestamps.Iso(v.AtUtc), v.Actor, v.Action, v.Target, v.Changes?.ToJsonString() ?? "",
            }));
        }));
        audit.Subcommands.Add(list);
        return audit;
    }

    private static async Task<int> WithAsync<T>(CliContext context, CancellationToken ct, Func<T, Task> work) where T : notnull
    {
        await using var services = await context.StartAsync(ct);
        await using var scope = services.CreateAsyncScope();
        try
        {
            await work(scope.ServiceProvider.GetRequiredService<T>());
            return CliApp.Done;
        }
        catch (RoutingRequestException e)
        {
            throw new CommandFailedException(e.Message);
        }
    }

    private static Command Add(CliContext context)
    {
        var name = new Option<string>("--name") { Description = "a unique name (audit events say key:<name>)", Required = true };
        var role = new Option<string>("--role") { Description = "viewer, operator or admin", Required = true }.AcceptOnlyFromAmong("viewer", "operator", "admin");
        var company = new Option<string[]>("--company") { Description = "limit the key to this company (repeat for several; not for admin)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("add", "Make a key; prints it once on stdout (keep it: only its SHA-256 is stored)") { name, role, company };
        command.SetAction(async (parse, ct) => await WithAsync<KeyRegistry>(context, ct, async registry =>
        {
            var (key, secret) = await registry.AddAsync(parse.GetValue(name), parse.GetValue(role), parse.GetValue(company), ct);
            await context.Out.WriteLineAsync(secret);
            await context.Err.WriteLineAsync($"Key {key.Id} '{key.Name}' added: {Decisions.Access.Wire(key.Role)}, " +
                (key.CompanyList.Count == 0 ? "every company" : $"companies {string.Join(", ", key.CompanyList)}") + ". It is shown this once.");
        }));
        return command;
    }

    private static Command List(CliContext context)
    {
        var format = CliApp.FormatOption();
        var command = new Command("list", "List keys (never the keys themselves)") { format };
        command.SetAction(async (parse, ct) => await WithAsync<KeyRegistry>(context, ct, async registry =>
        {
            var views = (await registry.ListAsync(ct)).Select(KeyView.Of).ToList();
            if (parse.GetValue(format) == "json") Json.Write(context.Out, views);
            else Table.Write(context.Out, ["ID", "NAME", "ROLE", "COMPANIES", "CREATED", "LAST USED", "REVOKED"], views.Select(v => new[]
            {
                v.Id.ToString(CultureInfo.InvariantCulture), v.Name, v.Role, v.Companies.Count == 0 ? "*" : string.Join(", ", v.Companies),
                Timestamps.Iso(v.CreatedAtUtc), v.LastUsedAtUtc is { } used ? Timestamps.Iso(used) : "never",
                v.RevokedAtUtc is { } revoked ? Timestamps.Iso(revoked) : "",
            }));
        }));
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var id = new Argument<int>("ID") { Description = "key id (keys list)" };
        var command = new Command("revoke", "Revoke a key: its next request, and its dashboard session, are refused") { id };
        command.SetAction(async (parse, ct) => await WithAsync<KeyRegistry>(context, ct, async registry =>
        {
            var key = await registry.RevokeAsync(parse.GetValue(id), ct);
            await context.Out.WriteLineAsync($"Key {key.Id} '{key.Name}' revoked.");
        }));
        return command;
    }
}
