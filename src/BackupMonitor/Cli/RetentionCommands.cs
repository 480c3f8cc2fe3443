using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.Retention;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Cli;

/// <summary>`retention plan | apply | set | unset | restore` (SPEC §14, §8).</summary>
internal static class RetentionCommands
{
    public static Command Build(CliContext context)
    {
        var retention = new Command("retention", "Retention of validated backups: keep what the policy says, prune the rest to the trash");
        retention.Subcommands.Add(Plan(context));
        retention.Subcommands.Add(Apply(context));
        retention.Subcommands.Add(Set(context));
        retention.Subcommands.Add(Unset(context));
        retention.Subcommands.Add(Restore(context));
        return retention;
    }

    private static async Task<int> WithScopeAsync(CliContext context, CancellationToken ct, Func<IServiceProvider, Task> work)
    {
        await using var services = await context.StartAsync(ct);
        await using var scope = services.CreateAsyncScope();
        try
        {
            await work(scope.ServiceProvider);
            return CliApp.Done;
        }
        catch (Exception e) when (e is RetentionRequestException or RetentionPolicyException)
        {
            throw new CommandFailedException(e.Message);
        }
    }

    private static Command Plan(CliContext context)
    {
        var job = new Option<int?>("--job") { Description = "only this job" };
        var company = new Option<string?>("--company") { Description = "only this company's jobs" };
        var format = CliApp.FormatOption();
        var command = new Command("plan", "Dry run: each validated backup with keep and the rules that keep it, or prune") { job, company, format };
        command.SetAction(async (parse, ct) => await WithScopeAsync(context, ct, async services =>
        {
            var plans = services.GetRequiredService<RetentionPlanner>().PlanAsync(parse.GetValue(job), parse.GetValue(company), null, ct);
            if (parse.GetValue(format) == "json") await WriteJsonAsync(context.Out, plans);
            else await WriteListAsync(context.Out, plans);
        }));
        return command;
    }

    /// <summary>One JSON array, written as the plans come (a whole fleet's plan never sits in memory).</summary>
    private static async Task WriteJsonAsync(TextWriter output, IAsyncEnumerable<JobRetentionPlan> plans)
    {
        var first = true;
        await output.WriteAsync("[");
        await foreach (var plan in plans)
            foreach (var view in RetentionPlanView.Of(plan))
            {
                await output.WriteAsync(first ? "\n" : ",\n");
                await output.WriteAsync(JsonSerializer.Serialize(view, Json.Options));
                first = false;
            }
        await output.WriteLineAsync(first ? "]" : "\n]");
    }

    /// <summary>borg prune --list's shape: one line per backup, `Keeping backup (rule: daily #3):` or `Would prune:`.</summary>
    private static async Task WriteListAsync(TextWriter output, IAsyncEnumerable<JobRetentionPlan> plans)
    {
        await foreach (var plan in plans)
        {
            var pruning = plan.Decision.Pruned.Count();
            await output.WriteLineAsync($"Job {plan.Job.Id} {plan.Job.AgentIdResponsible}/{plan.Job.DatabaseName}: policy {plan.Policy} ({plan.PolicySource}), " +
                $"{plan.Decision.Backups.Count} validated backups, {pruning} to prune");
            if (plan.Decision.LeftAsIs is { } reason) await output.WriteLineAsync($"  Left as it is: {reason}");
            foreach (var verdict in plan.Decision.Backups)
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {RetentionPlanView.ListLine(verdict),-52} {Domain.Timestamps.Iso(verdict.Backup.OperationUtc)}  entry {verdict.Backup.EntryId}  {plan.Backups[verdict.Backup.EntryId].ValidatedPath}"));
        }
    }

    private static Command Apply(CliContext context)
    {
        var maxPercent = new Option<int?>("--max-prune-percent") { Description = "for this run only: the most of one job's validated backups pruned at once (default RETENTION_MAX_PRUNE_PERCENT)" };
        var format = CliApp.FormatOption();
        var command = new Command("apply", "Prune to the trash what the plan says, finish interrupted moves, purge the trash after RETENTION_TRASH_DAYS") { maxPercent, format };
        command.SetAction(async (parse, ct) => await WithScopeAsync(context, ct, async services =>
        {
            var percent = parse.GetValue(maxPercent);
            if (percent is < 0 or > 100) throw new CommandFailedException($"--max-prune-percent: expected an integer from 0 to 100, got {percent}");
            var json = parse.GetValue(format) == "json";
            var progress = !json && ReferenceEquals(context.Err, Console.Error) && !Console.IsErrorRedirected
                ? new Progress<RetentionProgress>(p => context.Err.Write($"\rretention: {p.JobsDone}/{p.JobsTotal} jobs  {p.CurrentJob,-60}"))
                : null;
            var summary = await services.GetRequiredService<RetentionApplier>().ApplyAsync(percent, progress, ct);
            if (progress is not null) await context.Err.WriteLineAsync();
            if (json) Json.Write(context.Out, summary);
            else await context.Out.WriteLineAsync($"Retention: {summary.Jobs} jobs, {summary.Pruned} backups pruned to the trash ({summary.PrunedBytes:N0} bytes), " +
                $"{summary.Purged} purged from the trash, {summary.Finished} interrupted moves finished, {summary.JobsLeftAsIs} jobs left as they are " +
                $"({summary.JobsRefused} over the limit), {summary.Problems} problems");
        }));
        return command;
    }

    private static (Option<int?> Job, Option<string?> Company) Target(Command command)
    {
        var job = new Option<int?>("--job") { Description = "the job's own policy" };
        var company = new Option<string?>("--company") { Description = "the company's policy (for its jobs without one of their own)" };
        command.Options.Add(job);
        command.Options.Add(company);
        command.Validators.Add(result =>
        {
            if (result.GetValue(job) is null == (result.GetValue(company) is null)) result.AddError("give exactly one of --job ID or --company C");
        });
        return (job, company);
    }

    private static Command Set(CliContext context)
    {
        var policy = new Argument<string>("POLICY") { Description = "e.g. last=3,daily=7,weekly=4,monthly=12,yearly=2, or none (keep everything)" };
        var command = new Command("set", "Set a job's or a company's retention policy") { policy };
        var (job, company) = Target(command);
        command.SetAction(async (parse, ct) => await WithScopeAsync(context, ct, async services =>
        {
            var stored = await services.GetRequiredService<RetentionPolicies>().SetAsync(parse.GetValue(job), parse.GetValue(company), parse.GetValue(policy)!, ct);
            await context.Out.WriteLineAsync(parse.GetValue(job) is { } id ? $"Job {id}: retention {stored}." : $"Company '{parse.GetValue(company)}': retention {stored}.");
        }));
        return command;
    }

    private static Command Unset(CliContext context)
    {
        var command = new Command("unset", "Remove a job's or a company's own retention policy");
        var (job, company) = Target(command);
        command.SetAction(async (parse, ct) => await WithScopeAsync(context, ct, async services =>
        {
            await services.GetRequiredService<RetentionPolicies>().UnsetAsync(parse.GetValue(job), parse.GetValue(company), ct);
            await context.Out.WriteLineAsync(parse.GetValue(job) is { } id ? $"Job {id}: own retention policy removed." : $"Company '{parse.GetValue(company)}': retention policy removed.");
        }));
        return command;
    }

    private static Command Restore(CliContext context)
    {
        var entry = new Argument<int>("ENTRY_ID") { Description = "the pruned entry whose file comes back from the trash" };
        var command = new Command("restore", "Move a trashed backup back to validated storage; it is never pruned again") { entry };
        command.SetAction(async (parse, ct) => await WithScopeAsync(context, ct, async services =>
        {
            var path = await services.GetRequiredService<RetentionRestore>().RestoreAsync(parse.GetValue(entry), ct);
            await context.Out.WriteLineAsync($"Entry {parse.GetValue(entry)} restored to validated/{path}; it is held (never pruned again).");
        }));
        return command;
    }
}
