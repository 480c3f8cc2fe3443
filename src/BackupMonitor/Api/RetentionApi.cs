using BackupMonitor.Contracts;
using BackupMonitor.Retention;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BackupMonitor.Api;

/// <summary>`GET /api/retention/plan[?job=&amp;company=]` (SPEC §9, §14): the dry run of `retention plan --format json`, streamed (any key).</summary>
public static class RetentionApi
{
    public static void MapRetentionApi(this IEndpointRouteBuilder api)
    {
        var retention = api.MapGroup("/retention").WithTags("Retention");
        retention.MapGet("/plan", (int? job, string? company, RetentionPlanner planner, CancellationToken ct) =>
            TypedResults.Ok(Views(planner.PlanAsync(job, company, null, ct))));
    }

    private static async IAsyncEnumerable<RetentionPlanView> Views(IAsyncEnumerable<JobRetentionPlan> plans)
    {
        await foreach (var plan in plans)
            foreach (var view in RetentionPlanView.Of(plan))
                yield return view;
    }
}
