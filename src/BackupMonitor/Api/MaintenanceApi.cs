using BackupMonitor.Contracts;
using BackupMonitor.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BackupMonitor.Api;

/// <summary>`/api/maintenance` (SPEC §9): list (any key); add, remove (full key).</summary>
public static class MaintenanceApi
{
    public sealed record MaintenanceBody(
        string? Company, string? City, string? Agent, string? Database, string? From, string? Until, string? Schedule, int? DurationMinutes,
        string? TimeZone, string? Reason);

    public static void MapMaintenanceApi(this IEndpointRouteBuilder api)
    {
        var maintenance = api.MapGroup("/maintenance").WithTags("Maintenance");
        maintenance.MapGet("", async (MaintenanceRegistry registry, TimeProvider time, CancellationToken ct) =>
            TypedResults.Ok((await registry.ListAsync(ct)).Select(w => MaintenanceView.Of(w, time.GetUtcNow().UtcDateTime)).ToList()));
        maintenance.MapPost("", (MaintenanceBody body, MaintenanceRegistry registry, TimeProvider time, CancellationToken ct) => Handle(async () =>
        {
            var window = await registry.AddAsync(new MaintenanceRequest(body.Company, body.City, body.Agent, body.Database, body.From, body.Until,
                body.Schedule, body.DurationMinutes, body.TimeZone, body.Reason), ct);
            return TypedResults.Created($"/api/maintenance/{window.Id}", MaintenanceView.Of(window, time.GetUtcNow().UtcDateTime));
        })).RequireAuthorization(ApiKeyAuthentication.WritePolicy);
        maintenance.MapDelete("/{id:int}", (int id, MaintenanceRegistry registry, CancellationToken ct) =>
            Handle(async () => { await registry.RemoveAsync(id, ct); return TypedResults.NoContent(); })).RequireAuthorization(ApiKeyAuthentication.WritePolicy);
    }

    private static async Task<IResult> Handle<T>(Func<Task<T>> work) where T : IResult
    {
        try
        {
            return await work();
        }
        catch (RoutingRequestException e)
        {
            return e.Problem == RoutingProblem.NotFound ? ApiProblems.NotFound(e.Message) : ApiProblems.BadField(e.Field, e.Detail);
        }
    }
}
