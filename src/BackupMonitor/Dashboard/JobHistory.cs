using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Dashboard;

/// <summary>One entry of the job page's pictures: when, what, how big, how long until the server verified it.</summary>
/// <remarks><see cref="SizeDropped"/>: the entry raised a size-drop warning (SPEC §5.1); it gets a mark on the size chart.</remarks>
public sealed record HistoryPoint(int EntryId, DateTime TimeUtc, BackupEntryStatus Status, long? SizeBytes, double? VerifiedAfterMinutes, bool SizeDropped);

/// <summary>The job page's 90 days: every entry's figures (one indexed range of one job) and the cycles as calendar cells.</summary>
public sealed record JobPictures(DateTime FirstDayUtc, int Days, IReadOnlyList<HistoryPoint> Points, IReadOnlyList<StripDay> Calendar);

public sealed class JobHistory(BackupMonitorDbContext db, TimeProvider time)
{
    public const int Days = 90;

    public async Task<JobPictures> PicturesAsync(ExpectedBackupJob job, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var since = HistoryStrip.Since(now, Days);
        var first = now.Date.AddDays(-(Days - 1));
        var rows = await db.Entries.AsNoTracking()
            .Where(e => e.ExpectedJobId == job.Id && (e.AgentReportTimestampUtc ?? e.ExpectedCycleUtc ?? e.CreatedAtUtc) >= since)
            .Select(e => new
            {
                e.Id, e.Status, e.AgentReportTimestampUtc, e.ExpectedCycleUtc, e.CreatedAtUtc,
                Size = e.ServerCalculatedStagedSize ?? e.AgentReportedSizeBytes,
            })
            .ToListAsync(cancellationToken);
        var dropped = (await db.Notices.AsNoTracking()
            .Where(n => n.ExpectedJobId == job.Id && n.Kind == NoticeKind.Warning)
            .Select(n => n.BackupEntryId).ToListAsync(cancellationToken)).ToHashSet();
        var points = rows
            .Select(r => new HistoryPoint(r.Id, r.AgentReportTimestampUtc ?? r.ExpectedCycleUtc ?? r.CreatedAtUtc, r.Status, r.Size,
                // Verified after: from the agent's operation to the scan that verified it (successes only: nothing else was verified).
                r.Status == BackupEntryStatus.Success && r.AgentReportTimestampUtc is { } t && r.CreatedAtUtc >= t ? (r.CreatedAtUtc - t).TotalMinutes : null,
                dropped.Contains(r.Id)))
            .Where(p => p.TimeUtc >= first)
            .OrderBy(p => p.TimeUtc).ThenBy(p => p.EntryId).ToList();
        var watched = JobBoard.Watched(job, await JobBoard.WatchedAsync(db, [job.Id], cancellationToken));
        var cells = HistoryStrip.Build(job, points.Select(p => new StripEntry(job.Id, p.TimeUtc, p.EntryId, p.Status)), now, Days, watched);
        return new JobPictures(first, Days, points, cells);
    }
}
