using System.Security.Claims;
using BackupMonitor.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Dashboard;

/// <summary>
/// The dashboard's session: the operator presents an API key once (checked by <see cref="ApiKeys"/>, in constant
/// time) and gets a cookie. The bearer scheme of the API is untouched: the API never accepts this cookie, and the
/// dashboard never accepts a bearer header.
/// </summary>
public static class DashboardAuthentication
{
    public const string Scheme = "DashboardCookie";
    public const string Policy = "dashboard";
    public const string CookieName = "backupmonitor_session";
    public const string SignInPath = "/signin";
    private const string AccessClaim = "backupmonitor_access";
    private const string FingerprintClaim = "backupmonitor_key";

    public static IServiceCollection AddDashboardAuthentication(this IServiceCollection services)
    {
        // AddAuthentication() without a scheme keeps the API's bearer scheme as the default.
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // Lax, not Strict: a link from an alert e-mail opens the job page signed in. Writes are POSTs with
            // anti-forgery tokens, which Lax never sends cross-site.
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = SignInPath;
            o.LogoutPath = "/signout";
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = ValidateAsync;
            o.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }

    public static ClaimsPrincipal Principal(ApiAccess access, string key) =>
        new(new ClaimsIdentity(
            [new Claim(AccessClaim, access.ToString()), new Claim(FingerprintClaim, Convert.ToHexStringLower(ApiKeys.Fingerprint(key)))],
            Scheme));

    /// <summary>Whether the signed-in key may act (run scans, deactivate or reactivate jobs): keys of API_KEYS only.</summary>
    public static bool CanAct(this ClaimsPrincipal user) =>
        user.Identity?.AuthenticationType == Scheme && user.HasClaim(AccessClaim, nameof(ApiAccess.Full));

    /// <summary>A session lasts only while its key is still configured with the same access (keys change on restart).</summary>
    private static Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeys>();
        var fingerprint = context.Principal?.FindFirst(FingerprintClaim)?.Value;
        var access = context.Principal?.FindFirst(AccessClaim)?.Value;
        byte[]? hash = null;
        try
        {
            if (fingerprint is not null) hash = Convert.FromHexString(fingerprint);
        }
        catch (FormatException)
        {
        }
        if (hash is null || keys.CheckFingerprint(hash)?.ToString() != access)
        {
            context.RejectPrincipal();
            return context.HttpContext.SignOutAsync(Scheme);
        }
        return Task.CompletedTask;
    }
}
