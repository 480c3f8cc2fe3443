using BackupMonitor.Security;
using BackupMonitor.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace BackupMonitor.Dashboard.Pages;

/// <summary>Asks for an API key once and opens a session cookie; the key itself is never stored in it.</summary>
public sealed class SignInModel(KeyCheck keys, FailedAuthentications failures, DashboardText text) : DashboardPageModel(text)
{
    // Asks nothing: no key yet: this page is how one signs in.
    protected override Decisions.AccessAction? Reads => null;

    [BindProperty] public string? ApiKey { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var key = ApiKey?.Trim() ?? "";
        if (await keys.CheckAsync(key, HttpContext.RequestAborted) is not { } caller)
        {
            // Checked before any limit: a valid key always signs in, only wrong ones are counted.
            if (failures.Fail(HttpContext) is { } wait)
            {
                var seconds = FailedAuthentications.Seconds(wait);
                Error = T.TooManyFailures(seconds);
                Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return Page();
            }
            Error = T.WrongKey;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await HttpContext.SignInAsync(DashboardAuthentication.Scheme, DashboardAuthentication.Principal(caller, key),
            new AuthenticationProperties { IsPersistent = false });
        return LocalRedirect(DashboardSetup.IsLocal(ReturnUrl) ? ReturnUrl! : "/");
    }
}
