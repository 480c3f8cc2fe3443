using System.CommandLine;
using BackupMonitor.Configuration;
using BackupMonitor.Contracts;
using BackupMonitor.Domain;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Cli;

/// <summary>`notifications list` (the outbox) and `notify test` (one test e-mail, and plainly what worked).</summary>
internal static class NotificationsCommands
{
    public static Command BuildNotifications(CliContext context)
    {
        var notifications = new Command("notifications", "The outbox: one row per delivery of a notice to a destination");
        notifications.Subcommands.Add(List(context));
        return notifications;
    }

    private static Command List(CliContext context)
    {
        var state = new Option<string?>("--state") { Description = "only deliveries in this state" }.AcceptOnlyFromAmong([.. OutboxQuery.StateNames]);
        var destination = new Option<string?>("--destination") { Description = "only deliveries to this destination" };
        var format = CliApp.FormatOption();
        var command = new Command("list", "List deliveries, newest first: pending, sent, failed, skipped or suppressed") { state, destination, format };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await context.StartAsync(ct);
            await using var scope = services.CreateAsyncScope();
            DeliveryState? wanted = OutboxQuery.TryParseState(parse.GetValue(state), out var chosen) ? chosen : null;
            var rows = await scope.ServiceProvider.GetRequiredService<OutboxQuery>().ListAsync(wanted, parse.GetValue(destination), 0, null, ct);
            var views = rows.Select(DeliveryView.Of).ToList();
            if (parse.GetValue(format) == "json") Json.Write(context.Out, views);
            else Table.Write(context.Out, ["ID", "NOTICE", "KIND", "DESTINATION", "STATE", "JOB", "ENTRY", "ATTEMPTS", "CREATED", "SENT", "DIGEST", "SUBJECT", "LAST ERROR"],
                views.Select(v => new[]
                {
                    v.Id.ToString(), v.NoticeId.ToString(), v.Kind, v.Destination, v.State, v.ExpectedJobId.ToString(), v.BackupEntryId.ToString(),
                    v.Attempts.ToString(), Table.Time(v.CreatedAtUtc), Table.Time(v.SentAtUtc), v.DigestId?.ToString() ?? "", v.Subject, v.LastError ?? "",
                }));
            return CliApp.Done;
        });
        return command;
    }

    public static Command BuildNotify(CliContext context)
    {
        var notify = new Command("notify", "Check e-mail delivery");
        var to = new Option<string?>("--to") { Description = "recipient (default ADMIN_EMAIL_RECIPIENT); comma-separated list allowed" };
        var test = new Command("test", "Send one test e-mail and say plainly what worked: DNS, connect, TLS, certificate, auth, recipient") { to };
        test.SetAction(async (parse, ct) =>
        {
            await using var services = await context.StartAsync(ct);
            var options = services.GetRequiredService<EmailOptions>();
            var recipients = parse.GetValue(to)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? options.Recipients.ToArray();
            var missing = new[] { ("EMAIL_HOST or EMAIL_PICKUP_DIRECTORY", options.Host ?? options.PickupDirectory), ("EMAIL_SENDER", options.Sender), ("ADMIN_EMAIL_RECIPIENT or --to", recipients.FirstOrDefault()) }
                .Where(s => s.Item2 is null).Select(s => s.Item1).ToList();
            if (missing.Count > 0)
                throw new CommandFailedException($"e-mail is not configured: set {string.Join(", ", missing)}");

            var transport = services.GetRequiredService<IMailTransport>();
            var (subject, text, html, _) = services.GetRequiredService<NoticeRenderer>().RenderTest(context.Time.UtcNow());
            await context.Out.WriteLineAsync($"Sending a test e-mail from {options.Sender} to {string.Join(", ", recipients)} via {transport.Describe()}…");
            try
            {
                await transport.SendOneAsync(NoticeMessage.Build(options, subject, text, html, recipients), ct);
            }
            catch (NotificationException e)
            {
                var passed = StepsBefore(e.Failure, options);
                if (passed.Count > 0) await context.Out.WriteLineAsync($"Worked: {string.Join(", ", passed)}.");
                throw new CommandFailedException($"test e-mail NOT sent — {e.Message}");
            }
            if (options.PickupDirectory is not null)
                await context.Out.WriteLineAsync($"Test e-mail written as an .eml file in {options.PickupDirectory} (EMAIL_PICKUP_DIRECTORY: no SMTP used).");
            else
            {
                await context.Out.WriteLineAsync($"Worked: {string.Join(", ", StepsBefore(null, options))}.");
                await context.Out.WriteLineAsync($"Test e-mail sent: the server accepted it for {string.Join(", ", recipients)}.");
            }
            return CliApp.Done;
        });
        notify.Subcommands.Add(test);
        return notify;
    }

    /// <summary>The steps that succeeded before <paramref name="failed"/> (all of them when null).</summary>
    private static List<string> StepsBefore(NotificationFailure? failed, EmailOptions options)
    {
        var steps = new List<(NotificationFailure Step, string Label)>
        {
            (NotificationFailure.Dns, "DNS"),
            (NotificationFailure.Connect, "connect"),
        };
        if (options.Security != EmailSecurity.None)
        {
            steps.Add((NotificationFailure.Tls, options.Security == EmailSecurity.Ssl ? "TLS" : "STARTTLS"));
            steps.Add((NotificationFailure.Certificate, "certificate"));
        }
        if (options.Username is not null) steps.Add((NotificationFailure.Auth, $"auth as {options.Username}"));
        steps.Add((NotificationFailure.Recipient, "recipient accepted"));
        if (failed is null) return steps.Select(s => s.Label).ToList();
        if (failed == NotificationFailure.Other || options.PickupDirectory is not null) return [];
        // TLS is negotiated before the certificate is judged, so a refused certificate means the TLS step began fine.
        var stop = failed == NotificationFailure.Certificate ? NotificationFailure.Tls : failed.Value;
        return steps.TakeWhile(s => s.Step != stop).Select(s => s.Label).ToList();
    }
}
