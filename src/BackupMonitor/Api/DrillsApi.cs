using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.Security;
using BackupMonitor.Domain;
using BackupMonitor.Drills;
using BackupMonitor.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BackupMonitor.Api;

/// <summary>
/// Restore drills (SPEC §13): `GET /api/drills[?job=&amp;status=&amp;limit=]`, `GET /api/drills/{id}`,
/// `GET /api/jobs/{id}/drills[?limit=]` (viewer, its companies); `POST /api/jobs/{id}/drills` (operator, its companies): 202 with the running
/// drill and its Location, 409 when the job has no validated backup or a drill of it is running.
/// </summary>
public static class DrillsApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    public static void MapDrillsApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/drills", ListAsync).WithTags("Drills").Asks(AccessAction.ReadDrills);
        api.MapGet("/drills/{id:int}", GetAsync).WithTags("Drills").Asks(AccessAction.ReadDrills);
        api.MapGet("/jobs/{id:int}/drills", JobDrillsAsync).WithTags("Drills").AsksForJob(AccessAction.ReadDrills);
        api.MapPost("/jobs/{id:int}/drills", StartAsync).WithTags("Drills").AsksForJob(AccessAction.RunDrills);
    }

    private static async Task<IResult> ListAsync(int? job, string? status, string? limit, DrillStore store, HttpContext context, CancellationToken cancellationToken)
    {
        DrillStatus? wanted = null;
        if (status is not null)
        {
            if (!DrillStatusNames.TryParse(status, out var parsed))
                return ApiProblems.BadField("status", $"must be one of {string.Join(", ", DrillStatusNames.All.Select(s => s.ToWire()))}, got '{status}'");
            wanted = parsed;
        }
        if (Limit(limit) is not { } size) return ApiProblems.BadField("limit", $"must be an integer from 1 to {MaxLimit}, got '{limit}'");
        return TypedResults.Ok((await store.ListAsync(job, wanted, size, cancellationToken, context.User.Caller())).Select(DrillView.Of).ToList());
    }

    // Another company's drill is not found, in the words of an unknown one.
    private static async Task<IResult> GetAsync(int id, DrillStore store, HttpContext context, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken, context.User.Caller()) is { } drill ? TypedResults.Ok(DrillView.Of(drill)) : ApiProblems.NotFound($"drill {id} does not exist");

    private static async Task<IResult> JobDrillsAsync(int id, string? limit, DrillStore store, CancellationToken cancellationToken)
    {
        if (await store.JobAsync(id, cancellationToken) is null) return ApiProblems.NotFound($"job {id} does not exist");
        if (Limit(limit) is not { } size) return ApiProblems.BadField("limit", $"must be an integer from 1 to {MaxLimit}, got '{limit}'");
        return TypedResults.Ok((await store.ListAsync(id, null, size, cancellationToken)).Select(DrillView.Of).ToList());
    }

    private static async Task<IResult> StartAsync(int id, DrillService drills, CancellationToken cancellationToken)
    {
        var (drill, refusal) = await drills.StartAsync(id, cancellationToken);
        return refusal switch
        {
            DrillRefusal.UnknownJob => ApiProblems.NotFound($"job {id} does not exist or is deactivated"),
            DrillRefusal.NoValidatedBackup => ApiProblems.Conflict($"job {id} has no validated backup to drill"),
            DrillRefusal.AlreadyRunning => ApiProblems.Conflict($"a drill of job {id}'s latest backup is already running; try again when it finishes"),
            _ => TypedResults.Accepted($"/api/drills/{drill!.Id}", DrillView.Of(drill)),
        };
    }

    private static int? Limit(string? text) =>
        text is null ? DefaultLimit : int.TryParse(text, out var n) && n is >= 1 and <= MaxLimit ? n : null;
}
