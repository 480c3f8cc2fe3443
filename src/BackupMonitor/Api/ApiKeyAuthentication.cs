using System.Security.Claims;
using System.Text.Encodings.Web;
using BackupMonitor.Security;
using BackupMonitor.Decisions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupMonitor.Api;

/// <summary>
/// `Authorization: Bearer &lt;key&gt;`: a key of the settings or of the database (<see cref="KeyCheck"/>) becomes the
/// caller's claims (actor, role, companies); 401 for a missing or wrong key. What the caller may do is
/// <see cref="Decisions.Access"/>'s to say (403 or 404).
/// </summary>
public static class ApiKeyAuthentication
{
    public const string Scheme = "ApiKey";

    public static IServiceCollection AddApiKeyAuthentication(this IServiceCollection services, ApiKeys keys)
    {
        services.AddSingleton(keys);
        services.AddScoped<KeyCheck>();
        services.AddHttpContextAccessor();
        // Changes made by a request are audited under its key; those of serve's own loops under `serve`.
        services.Replace(ServiceDescriptor.Scoped<IAuditActor, RequestAuditActor>());
        services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, Handler>(Scheme, null);
        services.AddAccessAuthorization();
        return services;
    }

    private sealed class RequestAuditActor(IHttpContextAccessor accessor) : IAuditActor
    {
        public string Actor => accessor.HttpContext?.User.Caller()?.Actor ?? FixedAuditActor.Serve;
    }

    private sealed class Handler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        private const string Bearer = "Bearer ";

        protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            string? header = Request.Headers.Authorization;
            if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
            if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
                return AuthenticateResult.Fail("the Authorization header must be 'Bearer <key>'");
            var caller = await Context.RequestServices.GetRequiredService<KeyCheck>().CheckAsync(header[Bearer.Length..].Trim(), Context.RequestAborted);
            if (caller is null) return AuthenticateResult.Fail("the API key is not valid");
            var principal = new ClaimsPrincipal(AccessClaims.Identity(caller, Scheme.Name));
            return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
        }

        protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            var result = await HandleAuthenticateOnceSafeAsync();
            Response.Headers.WWWAuthenticate = "Bearer";
            await TypedResults.Problem(
                result.Failure?.Message ?? "this route needs 'Authorization: Bearer <key>' with a key from API_KEYS, API_READ_KEYS or `keys add`",
                statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(Context);
        }

        protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
            ApiAccessResults.Forbidden(Context.User.Caller()).ExecuteAsync(Context);
    }
}

/// <summary>The answers of a refused decision, the same for every route.</summary>
public static class ApiAccessResults
{
    public static IResult Forbidden(AccessCaller? caller) => TypedResults.Problem(
        caller is null ? "this key may not do this"
            : (caller.Role == Role.Viewer ? "this key is read-only (role viewer)" : $"this key's role ({Decisions.Access.Wire(caller.Role)})")
              + (caller.IsScoped ? ", limited to its companies," : "") + " may not do this (SPEC §11: viewers read; operators also acknowledge, run scans and drills and manage maintenance windows; admins do everything)",
        statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
}
