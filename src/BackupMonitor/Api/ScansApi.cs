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
        api.MapPost("/scans", RunAsync).WithTags("Scans").RequireAuthorization(ApiKeyAuthentication.WritePolicy);

    // 409 rather than waiting: a scan can take minutes (hashing large backups), longer than clients and proxies
    // keep a request open; the caller learns at once and retries, and the running scan picks up the same files.
    private static async Task<Results<Ok<ScanSummaryView>, ProblemHttpResult>> RunAsync(MeteredScans scans) =>
        await scans.TryRunRequestedAsync() is { } summary
            ? TypedResults.Ok(ScanSummaryView.Of(summary))
            : TypedResults.Problem(AlreadyRunning, statusCode: StatusCodes.Status409Conflict, title: "Scan already running");
}
