using BackupMonitor.Contracts;
using BackupMonitor.Domain;
using BackupMonitor.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace BackupMonitor.Api;

/// <summary>
/// `GET /api/notifications[?state=&amp;destination=&amp;limit=&amp;after_id=]`: the outbox, one row per delivery, newest
/// first, in keyset pages like jobs and entries (at most <see cref="DefaultLimit"/> without `limit`, and a `Link` to
/// the next page while more remain): a year of outbox would otherwise be tens of megabytes in one answer.
/// </summary>
public static class NotificationsApi
{
    public const int DefaultLimit = 1000;

    public static RouteHandlerBuilder MapNotificationsApi(this IEndpointRouteBuilder api) =>
        api.MapGet("/notifications", ListAsync).WithTags("Notifications").Asks(Decisions.AccessAction.ReadNotifications);

    private static async Task<Results<Ok<List<DeliveryView>>, ValidationProblem>> ListAsync(
        string? state, string? destination, string? limit, [FromQuery(Name = "after_id")] string? afterId,
        OutboxQuery outbox, HttpContext context, CancellationToken cancellationToken)
    {
        DeliveryState? wanted = null;
        if (state is not null)
        {
            if (!OutboxQuery.TryParseState(state, out var parsed))
                return ApiProblems.BadField("state", $"must be one of {string.Join(", ", OutboxQuery.StateNames)}, got '{state}'");
            wanted = parsed;
        }
        if (NextPageLink.TryParse(limit, afterId, DefaultLimit, out var size, out var after) is { } bad)
            return NextPageLink.Problem(bad, limit, afterId);
        var (rows, next) = await outbox.PageAsync(wanted, destination, size!.Value, after, cancellationToken, Security.AccessClaims.Caller(context.User));
        NextPageLink.Add(context, next);
        return TypedResults.Ok(rows.Select(DeliveryView.Of).ToList());
    }
}
