using BackupMonitor.Configuration;
using BackupMonitor.Domain;

namespace BackupMonitor.Decisions;

/// <summary>What the policy knows when an entry has just been applied to its job.</summary>
/// <param name="Kind">What the entry raises by its own nature: an alert (failure entry), a recovery, a warning; null: nothing.</param>
/// <param name="JobStatus">The job's status once the entry was applied.</param>
/// <param name="ChangedJobStatus">The entry is the job's newest and changed its status.</param>
/// <param name="AcknowledgedAtUtc">When the job was acknowledged (null: it is not).</param>
/// <param name="LastAlertAtUtc">The job's latest alert notice, sent or suppressed (on_change reminders count from it).</param>
/// <param name="CoveringWindows">The maintenance windows covering the job now (<see cref="MaintenanceCoverage.Covering"/>).</param>
public sealed record AlertFacts(
    NoticeKind? Kind, JobStatus JobStatus, bool ChangedJobStatus, DateTime? AcknowledgedAtUtc, DateTime? LastAlertAtUtc,
    IReadOnlyList<MaintenanceWindow> CoveringWindows);

/// <summary>What to do with an entry's notice: raise it or not; its deliveries pending or suppressed (and why); clear the acknowledgement.</summary>
public sealed record AlertDecision(bool Raise, string? SuppressedBecause, int? SuppressedByWindowId, bool ClearAcknowledgement)
{
    public static readonly AlertDecision None = new(false, null, null, false);
}

/// <summary>A pending delivery as the digest grouping sees it.</summary>
public sealed record PendingDelivery(int Id, NoticeKind Kind);

/// <summary>What one delivery pass sends to one destination: one message per delivery, or one digest for several.</summary>
public sealed record DeliveryBatch(NoticeKind Kind, IReadOnlyList<int> DeliveryIds, bool IsDigest);

/// <summary>
/// SPEC §6.1 and §6.3, in one place: which entries raise a notice (ALERT_MODE, reminders), which notices are suppressed
/// (maintenance windows, acknowledgements), when an acknowledgement ends, and which deliveries go as digests.
/// Pure: the caller gathers the facts and the time.
/// </summary>
public static class AlertPolicy
{
    public static AlertDecision Decide(AlertFacts facts, AlertOptions options, DateTime nowUtc)
    {
        var recovered = !facts.JobStatus.IsFailure() && facts.ChangedJobStatus;
        var clear = facts.AcknowledgedAtUtc is not null && recovered;
        switch (facts.Kind)
        {
            case null:
                return AlertDecision.None with { ClearAcknowledgement = clear };
            case NoticeKind.Recovery:
                // A recovery is never quieted: it is what tells the team the acknowledged failure is over.
                return new AlertDecision(true, null, null, clear);
            case NoticeKind.Alert when !Raises(facts, options, nowUtc):
                return AlertDecision.None with { ClearAcknowledgement = clear };
        }
        var (why, windowId) = Quiet(facts.Kind!.Value, facts.JobStatus, facts.AcknowledgedAtUtc, facts.CoveringWindows);
        return new AlertDecision(true, why, windowId, why is null ? clear : windowId is not null && clear);
    }

    /// <summary>
    /// Whether a notice that is raised is quieted, and why (SPEC §6.3): a maintenance window covering its job quiets its
    /// alerts and warnings (the lowest id names it); an acknowledgement quiets the alerts of a failing job. A recovery
    /// or a report is never quieted.
    /// </summary>
    public static (string? Why, int? WindowId) Quiet(NoticeKind kind, JobStatus jobStatus, DateTime? acknowledgedAtUtc, IReadOnlyList<MaintenanceWindow> covering)
    {
        if (kind is NoticeKind.Recovery or NoticeKind.Report) return (null, null);
        if (covering.Count > 0)
        {
            var window = covering.OrderBy(w => w.Id).First();
            return ($"suppressed: {window.Describe()}", window.Id);
        }
        if (kind == NoticeKind.Alert && acknowledgedAtUtc is { } acknowledged && jobStatus.IsFailure())
            return ($"suppressed: job acknowledged at {Timestamps.Iso(acknowledged)}", null);
        return (null, null);
    }

    /// <summary>every_failure: each failed entry. on_change: entering or changing a failure status, then a reminder every ALERT_REMINDER_HOURS.</summary>
    private static bool Raises(AlertFacts facts, AlertOptions options, DateTime nowUtc)
    {
        if (options.Mode == AlertMode.EveryFailure) return true;
        if (!facts.JobStatus.IsFailure()) return false;
        if (facts.ChangedJobStatus || facts.LastAlertAtUtc is null) return true;
        return options.ReminderHours > 0 && nowUtc - facts.LastAlertAtUtc.Value >= TimeSpan.FromHours(options.ReminderHours);
    }

    /// <summary>
    /// One destination's pending deliveries, oldest first: more than <paramref name="threshold"/> of one kind (alert or
    /// recovery) go as one digest; the others one message each. 0: never a digest.
    /// </summary>
    public static IReadOnlyList<DeliveryBatch> Batches(IReadOnlyList<PendingDelivery> pending, int threshold)
    {
        var digestKinds = pending.GroupBy(p => p.Kind)
            .Where(g => threshold > 0 && IsDigestible(g.Key) && g.Count() > threshold).Select(g => g.Key).ToHashSet();
        var batches = new List<DeliveryBatch>();
        foreach (var kind in digestKinds.OrderBy(k => pending.First(p => p.Kind == k).Id))
            batches.Add(new DeliveryBatch(kind, pending.Where(p => p.Kind == kind).Select(p => p.Id).ToList(), true));
        batches.AddRange(pending.Where(p => !digestKinds.Contains(p.Kind)).Select(p => new DeliveryBatch(p.Kind, [p.Id], false)));
        return batches;
    }

    /// <summary>SPEC §6.3 digests alerts and recoveries; a warning is rare and stays a message of its own.</summary>
    public static bool IsDigestible(NoticeKind kind) => kind is NoticeKind.Alert or NoticeKind.Recovery;

    /// <summary>
    /// After a window ended at <paramref name="windowEndUtc"/>: a covered job still failing one grace period later (and
    /// not covered by another window now) gets one alert for its latest entry.
    /// </summary>
    public static bool FollowUpDue(DateTime windowEndUtc, TimeSpan grace, JobStatus jobStatus, bool coveredNow, DateTime nowUtc) =>
        jobStatus.IsFailure() && !coveredNow && nowUtc >= windowEndUtc + grace;
}
