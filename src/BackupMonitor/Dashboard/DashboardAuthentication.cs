using System.Security.Claims;
using BackupMonitor.Security;
using BackupMonitor.Api;
using BackupMonitor.Decisions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Dashboard;

/// <summary>
/// The dashboard's session: the operator presents a key once (checked by <see cref="KeyCheck"/>, in constant
/// time) and gets a cookie. The bearer scheme of the API is untouched: the API never accepts this cookie, and the
/// dashboard never accepts a bearer header.
/// </summary>
public static class DashboardAuthentication
{
    public const string Scheme = "DashboardCookie";
    public const string Policy = "dashboard";
    public const string CookieName = "backupmonitor_session";
    public const string SignInPath = "/signin";

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

    /// <summary>The session's principal: the caller's claims and the key's fingerprint (never the key).</summary>
    public static ClaimsPrincipal Principal(AccessCaller caller, string key) =>
        new(AccessClaims.Identity(caller, Scheme, Convert.ToHexStringLower(ApiKeys.Fingerprint(key))));

    /// <summary>
    /// Asked on every request: the session lasts only while its key still signs in as the same caller (a key
    /// revoked, or removed from the settings, ends it on the next page).
    /// </summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var signedIn = context.Principal?.Caller();
        var fingerprint = context.Principal?.FindFirst(AccessClaims.FingerprintClaim)?.Value;
        byte[]? hash = null;
        try
        {
            if (fingerprint is not null) hash = Convert.FromHexString(fingerprint);
        }
        catch (FormatException)
        {
        }
        var now = hash is null || signedIn is null ? null
            : await context.HttpContext.RequestServices.GetRequiredService<KeyCheck>().CheckFingerprintAsync(hash, context.HttpContext.RequestAborted);
        if (now is null || now.Actor != signedIn!.Actor || now.Role != signedIn.Role || !now.Companies.SequenceEqual(signedIn.Companies))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }
}
