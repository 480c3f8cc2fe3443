using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Api;

/// <summary>`GET /api/notifications[?state=]`: the outbox, newest first.</summary>
public static class NotificationsApi
{
    public static RouteHandlerBuilder MapNotificationsApi(this IEndpointRouteBuilder api) =>
        api.MapGet("/notifications", ListAsync).WithTags("Notifications");

    private static async Task<Results<Ok<List<ApiNoticeView>>, ValidationProblem>> ListAsync(
        string? state, BackupMonitorDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Notices.AsNoTracking();
        if (state is not null)
        {
            var wanted = Enum.GetValues<NoticeState>().Where(s => ApiNoticeView.Wire(s) == state).ToList();
            if (wanted.Count == 0)
                return ApiProblems.BadField("state", $"must be one of {string.Join(", ", Enum.GetValues<NoticeState>().Select(s => ApiNoticeView.Wire(s)))}, got '{state}'");
            query = query.Where(n => n.State == wanted[0]);
        }
        var notices = await query.OrderByDescending(n => n.CreatedAtUtc).ThenByDescending(n => n.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(notices.Select(ApiNoticeView.Of).ToList());
    }
}

/// <summary>A notice as the API shows it (snake_case; no body, which may be long and is in the e-mail itself).</summary>
public sealed record ApiNoticeView(
    int Id, int BackupEntryId, int ExpectedJobId, string Kind, string State, string Subject, int Attempts, string? LastError,
    DateTime CreatedAtUtc, DateTime? NextAttemptAtUtc, DateTime? LastAttemptAtUtc, DateTime? SentAtUtc)
{
    public static ApiNoticeView Of(Notice n) => new(n.Id, n.BackupEntryId, n.ExpectedJobId, Wire(n.Kind), Wire(n.State), n.Subject,
        n.Attempts, n.LastError, n.CreatedAtUtc, n.NextAttemptAtUtc, n.LastAttemptAtUtc, n.SentAtUtc);

    internal static string Wire<TEnum>(TEnum value) where TEnum : struct, Enum => value.ToString().ToLowerInvariant();
}
