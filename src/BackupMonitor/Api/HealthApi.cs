using BackupMonitor.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Api;

/// <summary>`GET /health` (no key): 200 {"status":"ok"} when the database answers a query, 503 otherwise.</summary>
public static class HealthApi
{
    public static RouteHandlerBuilder MapHealthApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", CheckAsync).WithTags("Health").AllowAnonymous();

    private static async Task<Results<Ok<HealthView>, ProblemHttpResult>> CheckAsync(
        BackupMonitorDbContext db, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        try
        {
            // A real query on a table of ours: an empty or foreign file would "connect" but not answer it.
            if (await db.Database.CanConnectAsync(cancellationToken))
            {
                await db.ScanRuns.AsNoTracking().AnyAsync(cancellationToken);
                return TypedResults.Ok(new HealthView("ok"));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            loggers.CreateLogger(typeof(HealthApi)).LogWarning("Health check: the database does not answer: {Error}", e.GetBaseException().Message);
        }
        return TypedResults.Problem("the database does not answer", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Unavailable");
    }

    public sealed record HealthView(string Status);
}
