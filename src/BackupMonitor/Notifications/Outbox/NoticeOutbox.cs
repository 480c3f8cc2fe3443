using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;

namespace BackupMonitor.Notifications;

/// <summary>
/// Raising a notice from outside the scan (maintenance follow-ups, drills, retention, reports): the facts are read,
/// <see cref="NoticeBuilder.Raise"/> routes and quiets each draft, and <see cref="NoticeStore.AddAsync"/> writes them
/// with their deliveries in the caller's transaction (its own when there is none). A draft's dedupe key makes a retry,
/// or a second process, raise nothing twice. A notice never fails the operation it reports on: callers that must
/// not fail catch around it.
/// </summary>
public sealed class NoticeOutbox(NoticeStore store, EmailSwitch email, TimeProvider time)
{
    /// <summary>Raises these notices; returns those written (a draft whose key is stored already is not).</summary>
    public async Task<IReadOnlyList<Notice>> RaiseAsync(IReadOnlyList<NoticeDraft> drafts, CancellationToken cancellationToken)
    {
        if (drafts.Count == 0) return [];
        var jobs = drafts.Select(d => d.Job).OfType<ExpectedBackupJob>().DistinctBy(j => j.Id).ToList();
        var facts = await store.FactsAsync(jobs, cancellationToken);
        var now = time.UtcNow();
        var written = await store.AddAsync(drafts.Select(d => NoticeBuilder.Raise(d, facts, now)).ToList(), cancellationToken);
        if (NoticeBuilder.AnySkipped(written)) email.WarnOnceIfDisabled();
        return written;
    }

    public async Task<Notice?> RaiseAsync(NoticeDraft draft, CancellationToken cancellationToken) =>
        (await RaiseAsync([draft], cancellationToken)).SingleOrDefault();
}
