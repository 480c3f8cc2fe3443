using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupMonitor.Api;

/// <summary>`Authorization: Bearer &lt;key&gt;`: 401 for a missing or wrong key, 403 for a read-only key on a write.</summary>
public static class ApiKeyAuthentication
{
    public const string Scheme = "ApiKey";
    public const string ReadPolicy = "read";
    public const string WritePolicy = "write";
    private const string AccessClaim = "backupmonitor_access";

    public static IServiceCollection AddApiKeyAuthentication(this IServiceCollection services, ApiKeys keys)
    {
        services.AddSingleton(keys);
        services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, Handler>(Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, p => p.RequireAuthenticatedUser())
            .AddPolicy(WritePolicy, p => p.RequireAuthenticatedUser().RequireClaim(AccessClaim, nameof(ApiAccess.Full)));
        return services;
    }

    private sealed class Handler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeys keys)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        private const string Bearer = "Bearer ";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            string? header = Request.Headers.Authorization;
            if (string.IsNullOrEmpty(header)) return Task.FromResult(AuthenticateResult.NoResult());
            if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
                return Task.FromResult(AuthenticateResult.Fail("the Authorization header must be 'Bearer <key>'"));
            var access = keys.Check(header[Bearer.Length..].Trim());
            if (access is null) return Task.FromResult(AuthenticateResult.Fail("the API key is not valid"));
            var identity = new ClaimsIdentity([new Claim(AccessClaim, access.Value.ToString())], Scheme.Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        }

        protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            var result = await HandleAuthenticateOnceSafeAsync();
            Response.Headers.WWWAuthenticate = "Bearer";
            await TypedResults.Problem(
                result.Failure?.Message ?? "this route needs 'Authorization: Bearer <key>' with a key from API_KEYS or API_READ_KEYS",
                statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(Context);
        }

        protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
            TypedResults.Problem(
                "this key is read-only (API_READ_KEYS) and may only GET; changes need a key from API_KEYS",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden").ExecuteAsync(Context);
    }
}
