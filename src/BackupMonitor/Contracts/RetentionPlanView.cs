using BackupMonitor.Retention;

namespace BackupMonitor.Contracts;

/// <summary>One validated backup in `retention plan --format json` and `GET /api/retention/plan` (SPEC §14).</summary>
public sealed record RetentionPlanView(
    int JobId, int EntryId, DateTime AgentReportTimestampUtc, string ValidatedPath, string Action, IReadOnlyList<string> Rules, string? Reason)
{
    public static IEnumerable<RetentionPlanView> Of(JobRetentionPlan plan) => plan.Decision.Backups.Select(verdict => new RetentionPlanView(
        plan.Job.Id, verdict.Backup.EntryId, verdict.Backup.OperationUtc, plan.Backups[verdict.Backup.EntryId].ValidatedPath,
        verdict.Keep ? "keep" : "prune", verdict.Rules.Select(r => r.Rule).ToList(), plan.Decision.LeftAsIs));

    /// <summary>borg prune --list's line: `Keeping backup (rule: daily #3, newest):` or `Would prune:`.</summary>
    public static string ListLine(Decisions.BackupVerdict verdict) => verdict.Keep
        ? verdict.Rules.Count > 0 ? $"Keeping backup (rule: {string.Join(", ", verdict.Rules)}):" : "Keeping backup:"
        : "Would prune:";
}
