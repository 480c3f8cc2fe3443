using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Notifications;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Retention;

/// <summary>SPEC §14: a job left as it is because its policy would prune more than RETENTION_MAX_PRUNE_PERCENT raises a warning notice.</summary>
public interface IRetentionWarnings
{
    Task RefusedAsync(JobRetentionPlan plan, CancellationToken cancellationToken);
}

/// <summary>
/// The refusal as a `warning` notice through the one notice builder (template `warning_retention`), routed and quieted
/// like any warning. Once per job and UTC day: `serve` applies once a day and a `retention apply` by hand the same day
/// raises nothing twice, while a policy left too tight is reminded the next day. A notice that cannot be written is
/// logged; it never fails the run (the refusal already left every file where it was).
/// </summary>
public sealed class OutboxRetentionWarnings(NoticeOutbox outbox, TimeProvider time, ILogger<OutboxRetentionWarnings> logger) : IRetentionWarnings
{
    public async Task RefusedAsync(JobRetentionPlan plan, CancellationToken cancellationToken)
    {
        var job = plan.Job;
        var draft = NoticeDraft.Warn(WarningKind.RetentionRefused, job,
            $"{plan.Decision.LeftAsIs} (policy {plan.Policy}, from {plan.PolicySource})",
            $"retention:{job.Id}:refused:{time.UtcNow():yyyy-MM-dd}");
        try
        {
            if (await outbox.RaiseAsync(draft, cancellationToken) is { } notice)
                logger.LogInformation("Retention refused for job {JobId}: warning notice {Notice} raised", job.Id, notice.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Retention refused for job {JobId}, and its warning notice could not be written", job.Id);
        }
    }
}
