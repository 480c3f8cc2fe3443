using BackupMonitor.Security;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Jobs;

/// <summary>One page of a keyset listing: its items and, while more remain, the id to continue after.</summary>
public sealed record KeysetPage<T>(IReadOnlyList<T> Items, int? NextAfterId);

/// <summary>An <c>after_id</c> that names no row of the listing it continues.</summary>
public sealed class UnknownCursorException(string message) : Exception(message);

/// <summary>
/// Keyset pagination (SPEC §9) over the API's two long listings. A page continues after a row by comparing the
/// listing's whole sort key with that row's, so rows added or changed between pages shift nothing, and each page
/// is one index-friendly query however deep it goes.
/// </summary>
public sealed class KeysetPages(BackupMonitorDbContext db)
{
    /// <summary>Active jobs by company, city, neighborhood, database (then id): the order of `jobs list`.</summary>
    public async Task<KeysetPage<ExpectedBackupJob>> JobsAsync(
        JobStatus? status, string? company, string? city, int? limit, int? afterId, CancellationToken cancellationToken, AccessCaller? caller = null)
    {
        var query = db.Jobs.AsNoTracking().VisibleTo(caller).Where(j => j.IsActive);
        if (status is not null) query = query.Where(j => j.CurrentStatus == status);
        if (company is not null) query = query.Where(j => j.CompanyName == company);
        if (city is not null) query = query.Where(j => j.City == city);
        if (afterId is { } id)
        {
            // The cursor row itself may have left the filter (deactivated, status changed): its sort key still marks the place.
            // Another company's job is a cursor the caller cannot know: refused as an unknown one, in the same words.
            var a = await db.Jobs.AsNoTracking().VisibleTo(caller).Where(j => j.Id == id)
                .Select(j => new { j.CompanyName, j.City, j.Neighborhood, j.DatabaseName, j.Id }).FirstOrDefaultAsync(cancellationToken)
                ?? throw new UnknownCursorException($"no job with id {id}");
            query = query.Where(j => string.Compare(j.CompanyName, a.CompanyName) > 0
                || (j.CompanyName == a.CompanyName && (string.Compare(j.City, a.City) > 0
                || (j.City == a.City && (string.Compare(j.Neighborhood, a.Neighborhood) > 0
                || (j.Neighborhood == a.Neighborhood && (string.Compare(j.DatabaseName, a.DatabaseName) > 0
                || (j.DatabaseName == a.DatabaseName && j.Id > a.Id))))))));
        }
        var ordered = query.OrderBy(j => j.CompanyName).ThenBy(j => j.City).ThenBy(j => j.Neighborhood)
            .ThenBy(j => j.DatabaseName).ThenBy(j => j.Id);
        return await TakeAsync(ordered, limit, j => j.Id, cancellationToken);
    }

    /// <summary>A job's entries, newest recorded first (then highest id): the order of `entries list`.</summary>
    public async Task<KeysetPage<BackupEntry>> EntriesAsync(int jobId, int limit, int? afterId, CancellationToken cancellationToken)
    {
        var query = db.Entries.AsNoTracking().Where(e => e.ExpectedJobId == jobId);
        if (afterId is { } id)
        {
            var a = await db.Entries.AsNoTracking().Where(e => e.Id == id && e.ExpectedJobId == jobId)
                .Select(e => new { e.CreatedAtUtc, e.Id }).FirstOrDefaultAsync(cancellationToken)
                ?? throw new UnknownCursorException($"job {jobId} has no entry with id {id}");
            query = query.Where(e => e.CreatedAtUtc < a.CreatedAtUtc || (e.CreatedAtUtc == a.CreatedAtUtc && e.Id < a.Id));
        }
        var ordered = query.OrderByDescending(e => e.CreatedAtUtc).ThenByDescending(e => e.Id);
        return await TakeAsync(ordered, limit, e => e.Id, cancellationToken);
    }

    /// <summary>
    /// One page of an ordered keyset listing (these, the outbox's): one more row than asked tells whether another page
    /// exists, without counting; the last row's id is where the next page continues.
    /// </summary>
    public static async Task<KeysetPage<T>> TakeAsync<T>(IQueryable<T> ordered, int? limit, Func<T, int> idOf, CancellationToken cancellationToken)
    {
        if (limit is not { } size) return new KeysetPage<T>(await ordered.ToListAsync(cancellationToken), null);
        var rows = await ordered.Take(size + 1).ToListAsync(cancellationToken);
        if (rows.Count <= size) return new KeysetPage<T>(rows, null);
        rows.RemoveAt(size);
        return new KeysetPage<T>(rows, idOf(rows[^1]));
    }
}
