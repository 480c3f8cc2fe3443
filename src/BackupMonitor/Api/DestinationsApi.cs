using System.Text.Json;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace BackupMonitor.Api;

/// <summary>`/api/destinations` and `/api/routes` (SPEC §9, §11): admin keys only.</summary>
public static class DestinationsApi
{
    public sealed record DestinationRequest(string? Name, string? Kind, string? Target, string? Secret);

    public sealed record RouteRequest(string? Destination, string? Company, string? City, string? Agent, string? Database, JsonElement? Statuses);

    public sealed record TestResult(string Name, bool Accepted, string? Error);

    public static void MapDestinationsApi(this IEndpointRouteBuilder api)
    {
        var destinations = api.MapGroup("/destinations").WithTags("Destinations");
        destinations.MapGet("", async (DestinationRegistry registry, CancellationToken ct) =>
            TypedResults.Ok((await registry.ListAsync(ct)).Select(DestinationView.Of).ToList())).Asks(AccessAction.ReadDestinations);
        destinations.MapPost("", AddAsync).Asks(AccessAction.ManageDestinations);
        destinations.MapDelete("/{name}", (string name, DestinationRegistry registry, CancellationToken ct) =>
            ApiProblems.OrRefusal(async () => { await registry.RemoveAsync(name, ct); return TypedResults.NoContent(); })).Asks(AccessAction.ManageDestinations);
        destinations.MapPost("/{name}/test", (string name, DestinationRegistry registry, CancellationToken ct) => ApiProblems.OrRefusal(async () =>
        {
            var error = await registry.TestAsync(name, ct);
            return TypedResults.Ok(new TestResult(name, error is null, error));
        })).Asks(AccessAction.ManageDestinations);

        var routes = api.MapGroup("/routes").WithTags("Routes");
        routes.MapGet("", async (DestinationRegistry registry, CancellationToken ct) =>
            TypedResults.Ok((await registry.RoutesAsync(ct)).Select(RouteView.Of).ToList())).Asks(AccessAction.ReadRoutes);
        routes.MapPost("", AddRouteAsync).Asks(AccessAction.ManageRoutes);
        routes.MapDelete("/{id:int}", (int id, DestinationRegistry registry, CancellationToken ct) =>
            ApiProblems.OrRefusal(async () => { await registry.RemoveRouteAsync(id, ct); return TypedResults.NoContent(); })).Asks(AccessAction.ManageRoutes);
    }

    private static Task<IResult> AddAsync(DestinationRequest body, DestinationRegistry registry, CancellationToken ct) => ApiProblems.OrRefusal(async () =>
    {
        var added = await registry.AddAsync(body.Name, body.Kind, body.Target, body.Secret, ct);
        return TypedResults.Created($"/api/destinations/{added.Name}", DestinationView.Of(added));
    });

    private static Task<IResult> AddRouteAsync(RouteRequest body, DestinationRegistry registry, CancellationToken ct) => ApiProblems.OrRefusal(async () =>
    {
        IReadOnlyList<string>? statuses = body.Statuses switch
        {
            { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(s => s.GetString() ?? "").ToList(),
            { ValueKind: JsonValueKind.String } text => [text.GetString()!],
            null or { ValueKind: JsonValueKind.Null } => null,
            _ => throw new RoutingRequestException(RoutingProblem.BadField, "statuses", "must be an array of statuses"),
        };
        var route = await registry.AddRouteAsync(body.Destination, body.Company, body.City, body.Agent, body.Database, statuses, ct);
        return TypedResults.Created($"/api/routes/{route.Id}", RouteView.Of(route));
    });
}
