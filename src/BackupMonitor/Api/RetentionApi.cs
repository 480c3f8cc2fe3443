using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.Persistence;
using BackupMonitor.Retention;
using BackupMonitor.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Api;

/// <summary>
/// `GET /api/retention/plan[?job=&amp;company=]` (SPEC §9, §14): the dry run of `retention plan --format json`, streamed
/// (viewer, its companies: the jobs are filtered in SQL; a `job` that is unknown or another company's is 404 alike).
/// Setting, removing, applying and restoring are the command line's (admin's) only.
/// </summary>
public static class RetentionApi
{
    public static void MapRetentionApi(this IEndpointRouteBuilder api)
    {
        var retention = api.MapGroup("/retention").WithTags("Retention");
        retention.MapGet("/plan", PlanAsync).Asks(AccessAction.ReadRetentionPlan);
    }

    private static async Task<IResult> PlanAsync(int? job, string? company, RetentionPlanner planner, BackupMonitorDbContext db, HttpContext context, CancellationToken ct)
    {
        if (job is { } id)
        {
            var owner = await db.Jobs.AsNoTracking().Where(j => j.Id == id).Select(j => j.CompanyName).FirstOrDefaultAsync(ct);
            var decision = await context.AskAsync(AccessAction.ReadRetentionPlan, AccessTarget.Job(owner));
            if (decision != AccessDecision.Allow || owner is null) return AccessEndpoints.NoJob(id);
        }
        return TypedResults.Ok(Views(planner.PlanAsync(job, company, null, ct, context.User.Caller())));
    }

    private static async IAsyncEnumerable<RetentionPlanView> Views(IAsyncEnumerable<JobRetentionPlan> plans)
    {
        await foreach (var plan in plans)
            foreach (var view in RetentionPlanView.Of(plan))
                yield return view;
    }
}
