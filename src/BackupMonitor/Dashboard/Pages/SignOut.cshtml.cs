using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace BackupMonitor.Dashboard.Pages;

/// <summary>POST (with its anti-forgery token) ends the session; a GET does nothing but go home.</summary>
public sealed class SignOutModel(DashboardText text) : DashboardPageModel(text)
{
    // Asks nothing: any session may end itself.
    protected override Decisions.AccessAction? Reads => null;

    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(DashboardAuthentication.Scheme);
        return LocalRedirect(DashboardAuthentication.SignInPath);
    }
}
