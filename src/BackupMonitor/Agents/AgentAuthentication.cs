using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupMonitor.Agents;

/// <summary>
/// `Authorization: Bearer bma_…` on `/api/agent/v1/…`: its own scheme, apart from the API keys, so an agent token
/// opens nothing else and an API key opens nothing here (401 both ways).
/// </summary>
public static class AgentAuthentication
{
    public const string Scheme = "AgentToken";
    public const string Policy = "agent";
    public const string AgentIdClaim = "backupmonitor_agent";
    /// <summary>Where agent tokens are accepted (and only there).</summary>
    public const string RoutePrefix = "/api/agent/v1";

    public static IServiceCollection AddAgentAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, Handler>(Scheme, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireClaim(AgentIdClaim));
        return services;
    }

    public static bool IsAgentRoute(PathString path) => path.StartsWithSegments(RoutePrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The agent the request's token opens (the endpoint requires <see cref="Policy"/>).</summary>
    public static string AgentOf(ClaimsPrincipal user) => user.FindFirstValue(AgentIdClaim)!;

    private sealed class Handler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        private const string Bearer = "Bearer ";

        protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            string? header = Request.Headers.Authorization;
            if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
            if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
                return AuthenticateResult.Fail("the Authorization header must be 'Bearer <agent token>'");
            var registry = Context.RequestServices.GetRequiredService<AgentRegistry>();
            var agent = await registry.AuthenticateAsync(header[Bearer.Length..].Trim(), Context.RequestAborted);
            if (agent is null) return AuthenticateResult.Fail("the agent token is not valid (unknown, rotated or revoked; API keys do not open agent routes)");
            var identity = new ClaimsIdentity([new Claim(AgentIdClaim, agent.AgentId)], Scheme.Name);
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
        }

        protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            var result = await HandleAuthenticateOnceSafeAsync();
            Response.Headers.WWWAuthenticate = "Bearer";
            Response.Headers["Tus-Resumable"] = "1.0.0";
            await TypedResults.Problem(
                result.Failure?.Message ?? "agent routes need 'Authorization: Bearer <agent token>' (made by `backupmonitor agents add`)",
                statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(Context);
        }
    }
}
