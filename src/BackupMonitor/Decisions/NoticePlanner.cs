using BackupMonitor.Configuration;
using BackupMonitor.Domain;

namespace BackupMonitor.Decisions;

/// <summary>
/// An entry as applied to its job, in recording order: the job's status after it and before it, whether it changed
/// it, and whether the entry is a success far below the job's usual size (SPEC §5.1).
/// </summary>
public sealed record RecordedEntry(ExpectedBackupJob Job, BackupEntry Entry, JobStatus JobStatus, JobStatus PreviousJobStatus, bool ChangedJobStatus, bool SizeDropped = false);

/// <summary>A notice the scan will write, with the entry whose id it takes once the entry is written.</summary>
public sealed record PlannedNotice(Notice Notice, ExpectedBackupJob Job, BackupEntry Entry);

/// <summary>
/// What a commit writes for notices: the notices with their deliveries, the jobs whose acknowledgement ends, and the
/// facts as they stand once it is committed (for the next entries planned after it, on the entry-by-entry path).
/// </summary>
public sealed record NoticePlan(IReadOnlyList<PlannedNotice> Notices, IReadOnlyList<int> ClearedAcknowledgements, NoticeFacts After)
{
    public static NoticePlan Nothing(NoticeFacts facts) => new([], [], facts);
}

/// <summary>
/// SPEC §6.1 and §6.3 for a scan's entries: which notices they raise (ALERT_MODE, reminders, NOTIFY_ON_RECOVERY, size
/// drops), quieted by windows and acknowledgements (<see cref="AlertPolicy"/>), routed by <see cref="NoticeBuilder"/>.
/// Pure: the facts were read with the batch's other facts, and are never changed — a commit that fails leaves them
/// as they were, so the retry decides the same way (the facts after the plan come back in <see cref="NoticePlan.After"/>).
/// </summary>
public static class NoticePlanner
{
    public static NoticePlan Plan(IReadOnlyList<RecordedEntry> entries, NoticeFacts facts, AlertOptions alerts, bool notifyOnRecovery, DateTime nowUtc)
    {
        var acknowledged = new Dictionary<int, DateTime>(facts.Acknowledged);
        var lastAlerts = new Dictionary<int, DateTime>(facts.LastAlerts);
        var notices = new List<PlannedNotice>();
        var cleared = new List<int>();
        foreach (var recorded in entries)
        {
            var (job, entry) = (recorded.Job, recorded.Entry);
            if (recorded.SizeDropped) Add(NoticeKind.Warning);
            NoticeKind? kind = entry.Status != BackupEntryStatus.Success ? NoticeKind.Alert
                : notifyOnRecovery && recorded.PreviousJobStatus.IsFailure() && recorded.ChangedJobStatus && recorded.JobStatus == JobStatus.Ok ? NoticeKind.Recovery
                : null;
            Add(kind);

            void Add(NoticeKind? kind)
            {
                var covering = kind is null or NoticeKind.Recovery ? [] : MaintenanceCoverage.Covering(facts.Windows, job, nowUtc);
                var ack = acknowledged.TryGetValue(job.Id, out var at) ? at : (DateTime?)null;
                var last = kind == NoticeKind.Alert && alerts.Mode == AlertMode.OnChange && lastAlerts.TryGetValue(job.Id, out var l) ? l : (DateTime?)null;
                var decision = AlertPolicy.Decide(new AlertFacts(kind, recorded.JobStatus, recorded.ChangedJobStatus, ack, last, covering), alerts, nowUtc);
                if (decision.ClearAcknowledgement && acknowledged.Remove(job.Id)) cleared.Add(job.Id);
                if (!decision.Raise) return;
                if (kind == NoticeKind.Alert) lastAlerts[job.Id] = nowUtc;
                var draft = NoticeDraft.ForEntry(kind!.Value, job, entry, recorded.JobStatus, recorded.PreviousJobStatus);
                notices.Add(new PlannedNotice(NoticeBuilder.Build(draft, facts, nowUtc, decision.SuppressedBecause, decision.SuppressedByWindowId), job, entry));
            }
        }
        return new NoticePlan(notices, cleared, facts with { Acknowledged = acknowledged, LastAlerts = lastAlerts });
    }
}
