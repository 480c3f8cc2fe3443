using BackupMonitor.Security;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BackupMonitor.Api;

/// <summary>
/// `/api/maintenance` (SPEC §9, §11): list (viewer: the windows covering its jobs); add, remove (operator; a key
/// limited to companies only windows whose `company` is exactly one of them).
/// </summary>
public static class MaintenanceApi
{
    public sealed record MaintenanceBody(
        string? Company, string? City, string? Agent, string? Database, string? From, string? Until, string? Schedule, int? DurationMinutes,
        string? TimeZone, string? Reason);

    public static void MapMaintenanceApi(this IEndpointRouteBuilder api)
    {
        var maintenance = api.MapGroup("/maintenance").WithTags("Maintenance");
        maintenance.MapGet("", async (MaintenanceRegistry registry, TimeProvider time, HttpContext context, CancellationToken ct) =>
            TypedResults.Ok((await registry.ListAsync(ct, context.User.Caller())).Select(w => MaintenanceView.Of(w, time.GetUtcNow().UtcDateTime)).ToList()))
            .Asks(AccessAction.ReadMaintenance);
        maintenance.MapPost("", (MaintenanceBody body, MaintenanceRegistry registry, TimeProvider time, HttpContext context, CancellationToken ct) => Handle(async () =>
        {
            if (await context.AskAsync(AccessAction.ManageMaintenance, AccessTarget.Window(body.Company?.Trim())) != AccessDecision.Allow)
                return ApiAccessResults.Forbidden(context.User.Caller());
            var window = await registry.AddAsync(new MaintenanceRequest(body.Company, body.City, body.Agent, body.Database, body.From, body.Until,
                body.Schedule, body.DurationMinutes, body.TimeZone, body.Reason), ct);
            return TypedResults.Created($"/api/maintenance/{window.Id}", MaintenanceView.Of(window, time.GetUtcNow().UtcDateTime));
        })).Asks(AccessAction.ManageMaintenance);
        maintenance.MapDelete("/{id:int}", (int id, MaintenanceRegistry registry, HttpContext context, CancellationToken ct) => Handle(async () =>
        {
            if (await registry.FindAsync(id, ct) is not { } window) return ApiProblems.NotFound($"no maintenance window {id}");
            if (await context.AskAsync(AccessAction.ManageMaintenance, AccessTarget.Window(window.Company)) != AccessDecision.Allow)
                return ApiAccessResults.Forbidden(context.User.Caller());
            await registry.RemoveAsync(id, ct);
            return TypedResults.NoContent();
        })).Asks(AccessAction.ManageMaintenance);
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
