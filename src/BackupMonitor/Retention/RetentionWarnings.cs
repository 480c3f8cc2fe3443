using Microsoft.Extensions.Logging;

namespace BackupMonitor.Retention;

/// <summary>SPEC §14: a job left as it is because its policy would prune more than RETENTION_MAX_PRUNE_PERCENT raises a warning notice.</summary>
public interface IRetentionWarnings
{
    Task RefusedAsync(JobRetentionPlan plan, CancellationToken cancellationToken);
}

/// <summary>Logs the refusal only (the applier already logged it); the notice is raised by the outbox's implementation.</summary>
public sealed class LoggedRetentionWarnings(ILogger<LoggedRetentionWarnings> logger) : IRetentionWarnings
{
    public Task RefusedAsync(JobRetentionPlan plan, CancellationToken cancellationToken)
    {
        logger.LogDebug("No notice for the retention refusal of job {JobId}", plan.Job.Id);
        return Task.CompletedTask;
    }
}
