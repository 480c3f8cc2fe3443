using BackupMonitor.Security;
using BackupMonitor.Decisions;
using BackupMonitor.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Api;

/// <summary>
/// How a route says what it asks of <see cref="Decisions.Access"/>: <see cref="Asks{TBuilder}"/> for an action on no
/// particular target (a list, a scan, a destination), <see cref="AsksForJob"/> for an action on the job of the route's
/// `{id}` (scope first: another company's job, like an unknown one, is 404 with the same body).
/// </summary>
public static class AccessEndpoints
{
    public static TBuilder Asks<TBuilder>(this TBuilder builder, AccessAction action) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AccessAuthorization.Policy(action)).WithMetadata(new AccessMetadata(action));

    public static RouteHandlerBuilder AsksForJob(this RouteHandlerBuilder builder, AccessAction action) =>
        builder.RequireAuthorization(p => p.RequireAuthenticatedUser()).WithMetadata(new AccessMetadata(action))
            .AddEndpointFilter(async (context, next) =>
            {
                var http = context.HttpContext;
                if (!int.TryParse(http.GetRouteValue("id")?.ToString(), out var id)) return await next(context);
                var db = http.RequestServices.GetRequiredService<BackupMonitorDbContext>();
                var company = await db.Jobs.AsNoTracking().Where(j => j.Id == id).Select(j => j.CompanyName).FirstOrDefaultAsync(http.RequestAborted);
                return await http.AskAsync(action, AccessTarget.Job(company)) switch
                {
                    AccessDecision.Allow when company is not null => await next(context),
                    AccessDecision.Forbidden => ApiAccessResults.Forbidden(http.User.Caller()),
                    _ => NoJob(id),
                };
            });

    /// <summary>The body of an unknown job, also given for another company's: the two cannot be told apart.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NoJob(int id) => ApiProblems.NotFound($"no job with id {id}");
}
