using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Notifications;

/// <summary>One delivery of the outbox with its notice, and the subject its message has (rendered now, as when sent).</summary>
public sealed record OutboxRow(Delivery Delivery, Notice Notice, string Subject);

/// <summary>The outbox as the CLI, the API and the dashboard list it: one row per delivery, newest first.</summary>
public sealed class OutboxQuery(BackupMonitorDbContext db, NoticeStore store, NoticeRenderer renderer)
{
    public static string Wire<TEnum>(TEnum value) where TEnum : struct, Enum => value.ToString().ToLowerInvariant();

    public static bool TryParseState(string? text, out DeliveryState state)
    {
        state = Enum.GetValues<DeliveryState>().FirstOrDefault(s => Wire(s) == text);
        return Enum.GetValues<DeliveryState>().Any(s => Wire(s) == text);
    }

    public static readonly IReadOnlyList<string> StateNames = Enum.GetValues<DeliveryState>().Select(Wire<DeliveryState>).ToArray();

    private IQueryable<Delivery> Filtered(DeliveryState? state, string? destination, Decisions.AccessCaller? caller)
    {
        var query = db.Deliveries.AsNoTracking();
        if (caller is { IsScoped: true })
        {
            // In SQL: the deliveries of notices about the caller's companies' jobs, and of its companies' notices
            // without a job (a monthly report).
            var jobs = Security.AccessScope.VisibleTo(db.Jobs, caller).Select(j => (int?)j.Id);
            var companies = caller.Companies.ToList();
            var notices = db.Notices
                .Where(n => n.ExpectedJobId != null ? jobs.Contains(n.ExpectedJobId) : n.CompanyName != null && companies.Contains(n.CompanyName))
                .Select(n => n.Id);
            query = query.Where(d => notices.Contains(d.NoticeId));
        }
        if (state is not null) query = query.Where(d => d.State == state);
        if (destination is not null) query = query.Where(d => d.Destination == destination);
        return query;
    }

    public Task<int> CountAsync(DeliveryState? state, string? destination, CancellationToken cancellationToken, Decisions.AccessCaller? caller = null) =>
        Filtered(state, destination, caller).CountAsync(cancellationToken);

    public async Task<List<OutboxRow>> ListAsync(DeliveryState? state, string? destination, int skip, int? take, CancellationToken cancellationToken,
        Decisions.AccessCaller? caller = null)
    {
        var query = Filtered(state, destination, caller).OrderByDescending(d => d.Id).Skip(skip);
        if (take is { } count) query = query.Take(count);
        return await RowsAsync(await query.ToListAsync(cancellationToken), cancellationToken);
    }

    /// <summary>
    /// One keyset page, newest first: at most <paramref name="limit"/> deliveries older than <paramref name="afterId"/>
    /// (the last id of the previous page), and the id to continue from while more remain.
    /// </summary>
    public async Task<(List<OutboxRow> Rows, int? NextAfterId)> PageAsync(
        DeliveryState? state, string? destination, int limit, int? afterId, CancellationToken cancellationToken, Decisions.AccessCaller? caller = null)
    {
        var query = Filtered(state, destination, caller);
        if (afterId is { } after) query = query.Where(d => d.Id < after);
        var page = await Jobs.KeysetPages.TakeAsync(query.OrderByDescending(d => d.Id), limit, d => d.Id, cancellationToken);
        return (await RowsAsync([.. page.Items], cancellationToken), page.NextAfterId);
    }

    private async Task<List<OutboxRow>> RowsAsync(List<Delivery> deliveries, CancellationToken cancellationToken)
    {
        var contents = await store.ContentsAsync(deliveries.Select(d => d.NoticeId).ToList(), cancellationToken);
        return deliveries.Select(d => new OutboxRow(d, contents[d.NoticeId].Notice, Subject(contents[d.NoticeId]))).ToList();
    }

    private string Subject(NoticeContent content)
    {
        try
        {
            return renderer.Render(content).Subject;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"(template error: {e.Message})";
        }
    }
}
