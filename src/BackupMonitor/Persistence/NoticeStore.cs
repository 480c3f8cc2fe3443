using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Persistence;

/// <summary>
/// The outbox's writing side, asked in the product's words: the facts notices are built from (read before a commit,
/// with the caller's other reads), and the built notices written with their deliveries in the caller's transaction.
/// It writes what it is given and decides nothing (<see cref="NoticeBuilder"/>, <see cref="NoticePlanner"/> decide).
/// </summary>
public sealed class NoticeStore(BackupMonitorDbContext db, DestinationCatalog catalog, EmailOptions email, AlertOptions alerts)
{
    /// <summary>
    /// What notices about <paramref name="jobs"/> (none: a report) are built from: destinations, routes, e-mail on or off,
    /// maintenance windows, the jobs' acknowledgements (as loaded with them) and, in on_change mode, their latest alerts.
    /// </summary>
    public async Task<NoticeFacts> FactsAsync(IReadOnlyCollection<ExpectedBackupJob> jobs, CancellationToken cancellationToken)
    {
        var destinations = await catalog.DestinationsAsync(cancellationToken);
        var routes = await catalog.RoutesAsync(cancellationToken);
        var windows = await db.MaintenanceWindows.AsNoTracking().Where(w => w.RemovedAtUtc == null).OrderBy(w => w.Id).ToListAsync(cancellationToken);
        var acknowledged = jobs.Where(j => j.AcknowledgedAtUtc is not null).ToDictionary(j => j.Id, j => j.AcknowledgedAtUtc!.Value);
        var lastAlerts = new Dictionary<int, DateTime>();
        if (alerts.Mode == AlertMode.OnChange && jobs.Count > 0)
        {
            var ids = jobs.Select(j => (int?)j.Id).ToList();
            lastAlerts = await db.Notices.AsNoTracking().Where(n => n.Kind == NoticeKind.Alert && ids.Contains(n.ExpectedJobId))
                .GroupBy(n => n.ExpectedJobId!.Value).Select(g => new { Job = g.Key, At = g.Max(n => n.CreatedAtUtc) })
                .ToDictionaryAsync(x => x.Job, x => x.At, cancellationToken);
        }
        return new NoticeFacts(destinations, routes, email.CanSend, windows, acknowledged, lastAlerts);
    }

    /// <summary>
    /// Writes these notices and their deliveries, in the caller's transaction when there is one (in one of its own
    /// otherwise). A notice whose <see cref="Notice.DedupeKey"/> is stored already is left out (a retry, or another
    /// process, raised it first); two processes racing on one key: the unique index refuses the second. Returns the
    /// notices written, ids set.
    /// </summary>
    public async Task<IReadOnlyList<Notice>> AddAsync(IReadOnlyList<Notice> notices, CancellationToken cancellationToken)
    {
        if (notices.Count == 0) return [];
        var keys = notices.Select(n => n.DedupeKey).OfType<string>().Distinct().ToList();
        var stored = keys.Count == 0 ? new HashSet<string>(StringComparer.Ordinal)
            : (await db.Notices.AsNoTracking().Where(n => keys.Contains(n.DedupeKey!)).Select(n => n.DedupeKey!).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var fresh = notices.Where(n => n.DedupeKey is null || stored.Add(n.DedupeKey)).ToList();
        if (fresh.Count == 0) return [];
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            await db.InsertAsync(fresh, cancellationToken);
            foreach (var notice in fresh)
                foreach (var delivery in notice.Deliveries) delivery.NoticeId = notice.Id;
            await db.InsertAsync(fresh.SelectMany(n => n.Deliveries).ToList(), cancellationToken);
            if (own is not null) await own.CommitAsync(cancellationToken);
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
        return fresh;
    }

    /// <summary>Whether the monthly reports of <paramref name="period"/> (`YYYY-MM`) were raised (all of a month's are written at once).</summary>
    public Task<bool> ReportsRaisedAsync(string period, CancellationToken cancellationToken) =>
        db.Notices.AnyAsync(n => n.Kind == NoticeKind.Report && n.Period == period, cancellationToken);

    /// <summary>These jobs recovered: their acknowledgements end (SPEC §6.3), in the caller's transaction.</summary>
    public async Task ClearAcknowledgementsAsync(IReadOnlyCollection<int> jobIds, CancellationToken cancellationToken)
    {
        if (jobIds.Count == 0) return;
        var ids = jobIds.ToList();
        await db.Jobs.Where(j => ids.Contains(j.Id) && j.AcknowledgedAtUtc != null)
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.AcknowledgedAtUtc, (DateTime?)null), cancellationToken);
    }

    /// <summary>These notices with their jobs and entries as they are now (what delivery renders and lists show).</summary>
    public async Task<Dictionary<int, NoticeContent>> ContentsAsync(IReadOnlyCollection<int> noticeIds, CancellationToken cancellationToken)
    {
        var ids = noticeIds.Distinct().ToList();
        var notices = await db.Notices.AsNoTracking().Where(n => ids.Contains(n.Id)).ToListAsync(cancellationToken);
        var jobIds = notices.Select(n => n.ExpectedJobId).OfType<int>().Distinct().ToList();
        var entryIds = notices.Select(n => n.BackupEntryId).OfType<int>().Distinct().ToList();
        var jobs = jobIds.Count == 0 ? [] : await db.Jobs.AsNoTracking().Where(j => jobIds.Contains(j.Id)).ToDictionaryAsync(j => j.Id, cancellationToken);
        var entries = entryIds.Count == 0 ? [] : await db.Entries.AsNoTracking().Where(e => entryIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
        return notices.ToDictionary(n => n.Id, n => new NoticeContent(n,
            n.ExpectedJobId is { } job ? jobs.GetValueOrDefault(job) : null, n.BackupEntryId is { } entry ? entries.GetValueOrDefault(entry) : null));
    }
}
