using BackupMonitor.Decisions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Security;

/// <summary>"May the caller do this action?": the requirement of ASP.NET Core's resource-based authorization, the resource an <see cref="AccessTarget"/>.</summary>
public sealed record AccessRequirement(AccessAction Action) : IAuthorizationRequirement;

/// <summary>Endpoint metadata naming the action a route asks (for /openapi/v1.json: the role it needs).</summary>
public sealed record AccessMetadata(AccessAction Action);

/// <summary>
/// Asks <see cref="Decisions.Access.Decide(AccessCaller, AccessAction, AccessTarget)"/> for the signed-in caller. A
/// requirement without an <see cref="AccessTarget"/> resource (an endpoint's policy) is asked about no particular target.
/// A refusal carries the decision (<see cref="AccessDecision.NotFound"/> or <see cref="AccessDecision.Forbidden"/>) as its reason.
/// </summary>
public sealed class AccessHandler : AuthorizationHandler<AccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AccessRequirement requirement)
    {
        if (context.User.Caller() is not { } caller) return Task.CompletedTask;
        var target = context.Resource is AccessTarget t ? t : AccessTarget.None;
        var decision = Decisions.Access.Decide(caller, requirement.Action, target);
        if (decision == AccessDecision.Allow) context.Succeed(requirement);
        else context.Fail(new AuthorizationFailureReason(this, decision.ToString()));
        return Task.CompletedTask;
    }
}

public static class AccessAuthorization
{
    public static string Policy(AccessAction action) => $"access:{action}";

    /// <summary>The handler, and one policy per action for endpoints (`RequireAuthorization(Policy(action))`).</summary>
    public static IServiceCollection AddAccessAuthorization(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, AccessHandler>();
        var builder = services.AddAuthorizationBuilder();
        foreach (var action in Enum.GetValues<AccessAction>())
            builder.AddPolicy(Policy(action), p => p.RequireAuthenticatedUser().AddRequirements(new AccessRequirement(action)));
        return services;
    }

    /// <summary>
    /// The one way endpoints and pages ask: may this request's caller do <paramref name="action"/> on <paramref name="target"/>?
    /// Answers the decision (allow, 403 or 404) through <see cref="IAuthorizationService"/>.
    /// </summary>
    public static async Task<AccessDecision> AskAsync(this HttpContext context, AccessAction action, AccessTarget target)
    {
        var authorization = context.RequestServices.GetRequiredService<IAuthorizationService>();
        var result = await authorization.AuthorizeAsync(context.User, target, new AccessRequirement(action));
        if (result.Succeeded) return AccessDecision.Allow;
        return result.Failure?.FailureReasons.Any(r => r.Message == nameof(AccessDecision.NotFound)) == true
            ? AccessDecision.NotFound : AccessDecision.Forbidden;
    }
}
