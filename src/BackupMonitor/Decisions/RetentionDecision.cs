using System.Globalization;
using BackupMonitor.Domain;

namespace BackupMonitor.Decisions;

/// <summary>One validated backup of a job as retention sees it: its entry, its operation time, when it was recorded, and whether `retention restore` holds it.</summary>
public readonly record struct RetainedBackup(int EntryId, DateTime OperationUtc, DateTime RecordedAtUtc, bool Held);

/// <summary>
/// What retention knows of a job besides its backups (SPEC §14 safety rules): whether it is active, its status, its acknowledgement, its
/// last failure (the first success after it is its recovery), a maintenance window that covered it in the last day,
/// and its newest backup with a passed drill.
/// </summary>
public sealed record RetentionFacts(
    bool IsActive, JobStatus Status, DateTime? AcknowledgedAtUtc, DateTime? LastFailureUtc, MaintenanceWindow? RecentMaintenance, int? NewestDrilledEntryId);

/// <summary>Why a backup is kept: a policy rule with its count (`daily #3`, borg's `--list`), or a safety rule (`newest`, `drilled`, `held`, number 0).</summary>
public readonly record struct KeepRule(string Rule, int Number)
{
    public override string ToString() => Number > 0 ? $"{Rule} #{Number.ToString(CultureInfo.InvariantCulture)}" : Rule;
}

/// <summary>One backup's verdict; <see cref="Rules"/> are the rules the policy and the safety rules keep it by (empty: the policy would prune it).</summary>
public sealed record BackupVerdict(RetainedBackup Backup, bool Keep, IReadOnlyList<KeepRule> Rules);

/// <summary>
/// A job's retention decision: every backup newest first, kept or pruned. <see cref="LeftAsIs"/> says why nothing of
/// the job is pruned (then every backup is kept); <see cref="Refused"/>: the policy would prune more than the limit,
/// which raises a warning.
/// </summary>
public sealed record RetentionDecisionResult(IReadOnlyList<BackupVerdict> Backups, string? LeftAsIs, bool Refused)
{
    public IEnumerable<BackupVerdict> Pruned => Backups.Where(b => !b.Keep);
}

/// <summary>
/// SPEC §14, pure: a job's validated backups + policy + facts + now → keep or prune per backup. The policy keeps
/// exactly what `borg prune` 1.2+ keeps (its `prune_split`); the safety rules only ever keep more.
/// </summary>
public static class RetentionDecision
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromDays(1);

    public static RetentionDecisionResult Decide(
        IReadOnlyList<RetainedBackup> backups, RetentionPolicy policy, TimeZoneInfo zone, RetentionFacts facts, int maxPrunePercent, DateTime nowUtc)
    {
        var newestFirst = backups.OrderByDescending(b => b.OperationUtc).ThenByDescending(b => b.EntryId).ToArray();
        var rules = new List<KeepRule>?[newestFirst.Length];
        if (!policy.KeepsEverything) KeepByPolicy(newestFirst, policy, zone, rules);

        // Safety rules: added to what the policy keeps, never consuming a period of it.
        for (var i = 0; i < newestFirst.Length; i++)
        {
            if (i == 0) Add(rules, i, new KeepRule("newest", 0));
            if (newestFirst[i].EntryId == facts.NewestDrilledEntryId) Add(rules, i, new KeepRule("drilled", 0));
            if (newestFirst[i].Held) Add(rules, i, new KeepRule("held", 0));
        }

        var leftAsIs = policy.KeepsEverything ? "no retention policy: every backup is kept" : LeftAsIsBecause(newestFirst, facts, nowUtc);
        var pruning = leftAsIs is null ? rules.Count(r => r is null) : 0;
        var refused = false;
        if (pruning > 0 && (long)pruning * 100 > (long)maxPrunePercent * newestFirst.Length)
        {
            refused = true;
            leftAsIs = string.Create(CultureInfo.InvariantCulture,
                $"the policy would prune {pruning} of {newestFirst.Length} validated backups ({pruning * 100.0 / newestFirst.Length:0.#} %), more than RETENTION_MAX_PRUNE_PERCENT ({maxPrunePercent} %): nothing is pruned");
        }

        var verdicts = new BackupVerdict[newestFirst.Length];
        for (var i = 0; i < newestFirst.Length; i++)
            verdicts[i] = new BackupVerdict(newestFirst[i], leftAsIs is not null || rules[i] is not null, (IReadOnlyList<KeepRule>?)rules[i] ?? []);
        return new RetentionDecisionResult(verdicts, leftAsIs, refused);
    }

    /// <summary>borg's prune_split for each rule in order: the newest backup of each period, a period already kept by an earlier rule passed over without counting; a rule that runs out keeps the oldest.</summary>
    private static void KeepByPolicy(RetainedBackup[] newestFirst, RetentionPolicy policy, TimeZoneInfo zone, List<KeepRule>?[] rules)
    {
        var local = new DateTime[newestFirst.Length];
        for (var i = 0; i < local.Length; i++)
            local[i] = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(newestFirst[i].OperationUtc, DateTimeKind.Utc), zone);
        foreach (var rule in RetentionPolicy.RuleNames)
        {
            if (policy.Count(rule) is not { } count || count == 0 || newestFirst.Length == 0) continue;
            var kept = 0;
            long? last = null;
            var i = 0;
            for (; i < newestFirst.Length; i++)
            {
                var period = Period(rule, local[i]);
                if (period == last) continue;
                last = period;
                if (rules[i] is not null) continue;
                rules[i] = [new KeepRule(rule, ++kept)];
                if (kept == count) break;
            }
            var oldest = newestFirst.Length - 1;
            if (i == newestFirst.Length && kept < count && rules[oldest] is null)
                rules[oldest] = [new KeepRule(rule + "[oldest]", ++kept)];
        }
    }

    /// <summary>The period a backup falls in for a rule, in the job's zone: `last` the second (borg 1.2's keep-last is keep-secondly), ISO weeks for `weekly`.</summary>
    public static long Period(string rule, DateTime local) => rule switch
    {
        "last" => local.Ticks / TimeSpan.TicksPerSecond,
        "daily" => local.Ticks / TimeSpan.TicksPerDay,
        "weekly" => ISOWeek.GetYear(local) * 100L + ISOWeek.GetWeekOfYear(local),
        "monthly" => local.Year * 12L + local.Month,
        "yearly" => local.Year,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown retention rule"),
    };

    private static string? LeftAsIsBecause(RetainedBackup[] newestFirst, RetentionFacts facts, DateTime nowUtc)
    {
        if (!facts.IsActive) return "job deactivated: its last backups are kept as they are";
        if (facts.Status != JobStatus.Ok) return $"job status is {facts.Status.ToWire()}: nothing is pruned while a job is not ok";
        if (facts.AcknowledgedAtUtc is { } acknowledged)
            return $"job acknowledged at {Timestamps.Iso(acknowledged)}: nothing is pruned within a day of an acknowledgement";
        // An acknowledgement ends when its job recovers: a job that recovered less than a day ago may have been acknowledged then.
        if (RecoveredAt(newestFirst, facts.LastFailureUtc) is { } recovered && nowUtc - recovered < QuietPeriod)
            return $"job recovered at {Timestamps.Iso(recovered)}: nothing is pruned within a day of a failure";
        if (facts.RecentMaintenance is { } window)
            return $"job in {window.Describe()} within the last day: nothing is pruned";
        return null;
    }

    /// <summary>When the job's first success after its last failure was recorded (null: it never failed, or no backup since).</summary>
    private static DateTime? RecoveredAt(RetainedBackup[] newestFirst, DateTime? lastFailureUtc)
    {
        if (lastFailureUtc is not { } failure) return null;
        DateTime? recovered = null;
        foreach (var backup in newestFirst)
        {
            if (backup.OperationUtc <= failure) break;
            recovered = backup.RecordedAtUtc;
        }
        return recovered;
    }

    /// <summary>The lowest-id window that covered the job at some instant of the day before <paramref name="nowUtc"/>.</summary>
    public static MaintenanceWindow? RecentMaintenance(IEnumerable<MaintenanceWindow> windows, ExpectedBackupJob job, DateTime nowUtc)
    {
        var since = nowUtc - QuietPeriod;
        foreach (var window in windows.OrderBy(w => w.Id))
        {
            if (!MaintenanceCoverage.Matches(window, job)) continue;
            if (!window.IsRecurring)
            {
                if (window.FromUtc <= nowUtc && window.UntilUtc > since) return window;
                continue;
            }
            if (window.DurationMinutes is not > 0) continue;
            Schedule schedule;
            try
            {
                schedule = Schedule.Cron(window.ScheduleExpression!, window.TimeZone);
            }
            catch (ScheduleException)
            {
                continue;
            }
            if (schedule.Between(since - TimeSpan.FromMinutes(window.DurationMinutes.Value) + TimeSpan.FromTicks(1), nowUtc).Count > 0) return window;
        }
        return null;
    }

    private static void Add(List<KeepRule>?[] rules, int i, KeepRule rule) => (rules[i] ??= []).Add(rule);
}
