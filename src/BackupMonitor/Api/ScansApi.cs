using BackupMonitor.Contracts;
using BackupMonitor.Scanning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace BackupMonitor.Api;

/// <summary>`POST /api/scans`: runs a scan now and answers its summary (the shape of `scan --format json`).</summary>
public static class ScansApi
{
    public const string AlreadyRunning = "a scan is already running; try again when it finishes";

    public static RouteHandlerBuilder MapScansApi(this IEndpointRouteBuilder api) =>
        api.MapPost("/scans", RunAsync).WithTags("Scans").Asks(Decisions.AccessAction.RunScan);

    // 409 rather than waiting: a scan can take minutes (hashing large backups), longer than clients and proxies
    // keep a request open; the caller learns at once and retries, and the running scan picks up the same files.
    // A key limited to companies gets the run counted over its jobs (SPEC §11), as the dashboard's last-scan tile.
    private static async Task<Results<Ok<ScanSummaryView>, ProblemHttpResult>> RunAsync(
        MeteredScans scans, HttpContext context, Persistence.BackupMonitorDbContext db, Dashboard.ScanTiles tiles, CancellationToken cancellationToken)
    {
        if (await scans.TryRunRequestedAsync() is not { } summary)
            return TypedResults.Problem(AlreadyRunning, statusCode: StatusCodes.Status409Conflict, title: "Scan already running");
        if (Security.AccessClaims.Caller(context.User) is not { IsScoped: true } caller) return TypedResults.Ok(ScanSummaryView.Of(summary));
        var run = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(
            db.ScanRuns.OrderByDescending(r => r.FinishedAtUtc).ThenByDescending(r => r.Id), cancellationToken);
        return TypedResults.Ok(run is null ? ScanSummaryView.OfScoped(new Domain.ScanRun()) : ScanSummaryView.OfScoped(await tiles.ScopedAsync(run, caller, cancellationToken)));
    }
}
