using BackupMonitor.Cli;
using BackupMonitor.Domain;
using BackupMonitor.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace BackupMonitor.Api;

/// <summary>`GET /api/notifications[?state=&amp;destination=]`: the outbox, one row per delivery, newest first.</summary>
public static class NotificationsApi
{
    public static RouteHandlerBuilder MapNotificationsApi(this IEndpointRouteBuilder api) =>
        api.MapGet("/notifications", ListAsync).WithTags("Notifications");

    private static async Task<Results<Ok<List<DeliveryView>>, ValidationProblem>> ListAsync(
        string? state, string? destination, OutboxQuery outbox, CancellationToken cancellationToken)
    {
        DeliveryState? wanted = null;
        if (state is not null)
        {
            if (!OutboxQuery.TryParseState(state, out var parsed))
                return ApiProblems.BadField("state", $"must be one of {string.Join(", ", OutboxQuery.StateNames)}, got '{state}'");
            wanted = parsed;
        }
        var rows = await outbox.ListAsync(wanted, destination, 0, null, cancellationToken);
        return TypedResults.Ok(rows.Select(DeliveryView.Of).ToList());
    }
}
