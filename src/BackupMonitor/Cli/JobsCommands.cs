using System.CommandLine;
using BackupMonitor.Contracts;
using BackupMonitor.Domain;
using BackupMonitor.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Cli;

/// <summary>`jobs add | import | list | remove | ack | unack`.</summary>
internal static class JobsCommands
{
    public static Command Build(CliContext context)
    {
        var jobs = new Command("jobs", "Register, list and deactivate expected backup jobs");
        jobs.Subcommands.Add(Add(context));
        jobs.Subcommands.Add(Import(context));
        jobs.Subcommands.Add(List(context));
        jobs.Subcommands.Add(Remove(context));
        jobs.Subcommands.Add(Acknowledge(context, acknowledge: true));
        jobs.Subcommands.Add(Acknowledge(context, acknowledge: false));
        return jobs;
    }

    private static Command Add(CliContext context)
    {
        var company = new Option<string>("--company") { Description = "company name", Required = true };
        var city = new Option<string>("--city") { Description = "city", Required = true };
        var neighborhood = new Option<string>("--neighborhood") { Description = "neighbourhood of the site", Required = true };
        var database = new Option<string>("--database") { Description = "database name", Required = true };
        var hour = new Option<int?>("--hour") { Description = "expected hour, UTC (0-23), for a daily job" };
        var minute = new Option<int?>("--minute") { Description = "expected minute, UTC (0-59), for a daily job" };
        var schedule = new Option<string?>("--schedule") { Description = "instead of --hour/--minute: a 5-field cron expression, e.g. '0 2 * * 1-5' (02:00 on weekdays)" };
        var timeZone = new Option<string?>("--time-zone") { Description = "IANA time zone the schedule is read in (default UTC), e.g. Europe/Paris" };
        var agentId = new Option<string?>("--agent-id") { Description = "agent folder name (default company_city_neighborhood)" };
        var grace = new Option<int?>("--grace-minutes") { Description = "minutes after the expected time before the backup counts as missing (0-720)" };
        var command = new Command("add", "Register a job; prints its id") { company, city, neighborhood, database, hour, minute, schedule, timeZone, agentId, grace };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await context.StartAsync(ct);
            await using var scope = services.CreateAsyncScope();
            var job = await scope.ServiceProvider.GetRequiredService<JobRegistry>().AddAsync(new NewJob(
                parse.GetValue(company), parse.GetValue(city), parse.GetValue(neighborhood), parse.GetValue(database),
                parse.GetValue(hour), parse.GetValue(minute), parse.GetValue(agentId), parse.GetValue(grace),
                parse.GetValue(schedule), parse.GetValue(timeZone)), ct);
            await context.Out.WriteLineAsync(job.Id.ToString());
            var next = Schedule.Of(job).AtOrAfter(context.Time.GetUtcNow().UtcDateTime);
            await context.Err.WriteLineAsync(job.ScheduleExpression is null
                ? $"Job {job.Id} registered: agent {job.AgentIdResponsible}, database {job.DatabaseName}, expected daily at {job.ExpectedHourUtc:00}:{job.ExpectedMinuteUtc:00} UTC."
                : $"Job {job.Id} registered: agent {job.AgentIdResponsible}, database {job.DatabaseName}, expected on schedule '{job.ScheduleExpression}' " +
                  $"({job.TimeZone}); next at {next:yyyy-MM-dd HH:mm} UTC.");
            return CliApp.Done;
        });
        return command;
    }

    private static Command Import(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "CSV (header company,city,neighborhood,database,hour,minute[,agent_id,grace_minutes,schedule,time_zone]) or JSON array" };
        var format = CliApp.FormatOption();
        var command = new Command("import", "Register jobs from a CSV or JSON file; all or nothing") { file, format };
        command.SetAction(async (parse, ct) =>
        {
            var requests = JobImportFile.Read(parse.GetValue(file)!);
            await using var services = await context.StartAsync(ct);
            await using var scope = services.CreateAsyncScope();
            var jobs = await scope.ServiceProvider.GetRequiredService<JobRegistry>().ImportAsync(requests, ct);
            if (parse.GetValue(format) == "json") Json.Write(context.Out, jobs.Select(j => JobView.Of(j, context.Time.GetUtcNow().UtcDateTime)));
            else await context.Out.WriteLineAsync($"Imported {jobs.Count} job(s): ids {jobs.Min(j => j.Id)}-{jobs.Max(j => j.Id)}.");
            return CliApp.Done;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var status = new Option<string?>("--status") { Description = "only jobs with this status" }
            .AcceptOnlyFromAmong(StatusNames.AllJobStatuses.Select(s => s.ToWire()).ToArray());
        var all = new Option<bool>("--all") { Description = "include deactivated jobs" };
        var format = CliApp.FormatOption();
        var command = new Command("list", "List jobs and their current status") { status, all, format };
        command.SetAction(async (parse, ct) =>
        {
            StatusNames.TryParseJobStatus(parse.GetValue(status), out var wanted);
            await using var services = await context.StartAsync(ct);
            await using var scope = services.CreateAsyncScope();
            var jobs = await scope.ServiceProvider.GetRequiredService<JobRegistry>()
                .ListAsync(parse.GetValue(status) is null ? null : wanted, parse.GetValue(all), cancellationToken: ct);
            if (parse.GetValue(format) == "json") Json.Write(context.Out, jobs.Select(j => JobView.Of(j, context.Time.GetUtcNow().UtcDateTime)));
            else WriteTable(context.Out, jobs);
            return CliApp.Done;
        });
        return command;
    }

    internal static void WriteTable(TextWriter output, IEnumerable<ExpectedBackupJob> jobs) =>
        Table.Write(output,
            ["ID", "COMPANY", "CITY", "NEIGHBORHOOD", "DATABASE", "AGENT", "EXPECTED", "STATUS", "LAST SUCCESS", "LAST FAILURE", "LAST DRILL", "ACTIVE"],
            jobs.Select(j => new[]
            {
                j.Id.ToString(), j.CompanyName, j.City, j.Neighborhood, j.DatabaseName, j.AgentIdResponsible,
                Table.ScheduleCell(j), j.CurrentStatus.ToWire(),
                Table.Time(j.LastSuccessfulBackupUtc), Table.Time(j.LastFailedBackupUtc),
                j.LastDrillStatus is { } drill ? $"{drill.ToWire()} {Table.Time(j.LastDrillUtc)}" : "-", j.IsActive ? "yes" : "no",
            }));

    private static Command Remove(CliContext context)
    {
        var id = new Argument<int>("ID") { Description = "job id" };
        var command = new Command("remove", "Deactivate a job (its history is kept)") { id };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await context.StartAsync(ct);
            await using var scope = services.CreateAsyncScope();
            if (!await scope.ServiceProvider.GetRequiredService<JobRegistry>().DeactivateAsync(parse.GetValue(id), ct))
                throw new CommandFailedException($"no job with id {parse.GetValue(id)}");
            await context.Out.WriteLineAsync($"Job {parse.GetValue(id)} deactivated; its history is kept.");
            return CliApp.Done;
        });
        return command;
    }

    private static Command Acknowledge(CliContext context, bool acknowledge)
    {
        var id = new Argument<int>("ID") { Description = "job id" };
        var command = acknowledge
            ? new Command("ack", "Acknowledge a failing job: its alerts are suppressed until it recovers (SPEC §6.3)") { id }
            : new Command("unack", "Withdraw a job's acknowledgement: its alerts are sent again") { id };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await context.StartAsync(ct);
            await using var scope = services.CreateAsyncScope();
            var registry = scope.ServiceProvider.GetRequiredService<JobRegistry>();
            ExpectedBackupJob? job;
            try
            {
                job = acknowledge ? await registry.AcknowledgeAsync(parse.GetValue(id), ct) : await registry.UnacknowledgeAsync(parse.GetValue(id), ct);
            }
            catch (JobNotFailingException e)
            {
                throw new CommandFailedException(e.Message);
            }
            if (job is null) throw new CommandFailedException($"no job with id {parse.GetValue(id)}");
            await context.Out.WriteLineAsync(acknowledge
                ? $"Job {job.Id} acknowledged at {Timestamps.Iso(job.AcknowledgedAtUtc!.Value)}: its alerts are suppressed until it recovers."
                : $"Job {job.Id} is not acknowledged: its alerts are sent.");
            return CliApp.Done;
        });
        return command;
    }
}
