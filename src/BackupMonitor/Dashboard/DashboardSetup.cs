using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using BackupMonitor.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.WebEncoders;

namespace BackupMonitor.Dashboard;

/// <summary>The web dashboard of `serve`: Razor Pages under Dashboard/Pages, its session, languages and stylesheet.</summary>
public static class DashboardSetup
{
    public const string LanguageCookie = "backupmonitor_language";
    public const string KeysFolder = "dataprotection-keys";

    public static IServiceCollection AddBackupMonitorDashboard(this IServiceCollection services, Settings settings)
    {
        // The session and anti-forgery cookies are protected with these keys; kept under the data root (owner only),
        // sessions survive a restart of `serve`.
        var keys = Path.Combine(settings.Storage.Root, KeysFolder);
        if (!OperatingSystem.IsWindows())
            Directory.CreateDirectory(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        services.AddDataProtection().SetApplicationName("BackupMonitor").PersistKeysToFileSystem(new DirectoryInfo(keys));
        services.AddDashboardAuthentication();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "backupmonitor_antiforgery";
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__RequestVerificationToken";
        });
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Dashboard/Pages";
            o.Conventions.AuthorizeFolder("/", DashboardAuthentication.Policy);
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.ConfigureFilter(new DashboardHeaders());
        });
        // Accented French letters written as they are, not as &#xE9; (markup is still encoded).
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddScoped<JobBoard>();
        services.AddScoped<ScanTiles>();
        services.AddScoped<CompanyBoard>();
        services.AddSingleton<CompanyComplianceCache>();
        services.AddScoped<JobHistory>();
        services.AddScoped<MaintenanceMarks>();
        services.AddScoped<RetentionBoard>();
        services.AddSingleton<StorageSpaceCache>();
        services.AddScoped(_ => DashboardText.Current);
        return services;
    }

    /// <summary>Sets the culture of every request: the switch's cookie, else the browser's Accept-Language, else English.</summary>
    public static WebApplication UseDashboardLanguages(this WebApplication app)
    {
        var cultures = DashboardText.Languages.Select(CultureInfo.GetCultureInfo).ToList();
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture("en"),
            SupportedCultures = cultures,
            SupportedUICultures = cultures,
        };
        options.RequestCultureProviders =
        [
            new CookieRequestCultureProvider { CookieName = LanguageCookie },
            // By the language's first subtag ("fr-CA" is French) and the browser's q-values: the built-in provider
            // relies on culture data that invariant globalization does not carry.
            new CustomRequestCultureProvider(context => Task.FromResult(FromAcceptLanguage(context.Request.Headers.AcceptLanguage))),
        ];
        app.UseRequestLocalization(options);
        return app;
    }

    public static WebApplication MapBackupMonitorDashboard(this WebApplication app)
    {
        app.MapRazorPages();
        app.MapGet("/dashboard.css", ServeStylesheet).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/language", SwitchLanguage).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    internal static ProviderCultureResult? FromAcceptLanguage(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        var wanted = header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => StringWithQualityHeaderValue.TryParse(part, out var v) ? v : null)
            .OfType<StringWithQualityHeaderValue>()
            .Where(v => (v.Quality ?? 1) > 0)
            .OrderByDescending(v => v.Quality ?? 1)
            .Select(v => v.Value.Split('-')[0].ToLowerInvariant())
            .FirstOrDefault(DashboardText.Languages.Contains);
        return wanted is null ? null : new ProviderCultureResult(wanted);
    }

    /// <summary>`/language?lang=fr&amp;returnUrl=/jobs/3`: remembers the choice for a year and goes back (local URLs only).</summary>
    private static IResult SwitchLanguage(string? lang, string? returnUrl, HttpContext context)
    {
        if (lang is not null && DashboardText.Languages.Contains(lang))
        {
            context.Response.Cookies.Append(LanguageCookie, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(lang)),
                new CookieOptions
                {
                    Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, IsEssential = true,
                    SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps,
                });
        }
        return TypedResults.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
    }

    internal static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    private static IResult ServeStylesheet(HttpContext context)
    {
        context.Response.Headers.CacheControl = "public, max-age=3600";
        var stream = typeof(DashboardSetup).Assembly.GetManifestResourceStream("BackupMonitor.Dashboard.dashboard.css")
            ?? throw new InvalidOperationException("the dashboard stylesheet is not embedded");
        return TypedResults.Stream(stream, "text/css; charset=utf-8");
    }

    /// <summary>No script, no frames, no foreign resources: what the pages need and nothing more.</summary>
    private sealed class DashboardHeaders : IResultFilter
    {
        public void OnResultExecuting(ResultExecutingContext context)
        {
            var headers = context.HttpContext.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            // What antiforgery sets too (it warns when a page said otherwise): pages hold live data and tokens.
            headers.CacheControl = "no-cache, no-store";
            headers.Pragma = "no-cache";
        }

        public void OnResultExecuted(ResultExecutedContext context)
        {
        }
    }
}
