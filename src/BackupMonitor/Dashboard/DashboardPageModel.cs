using System.Text.Encodings.Web;
using BackupMonitor.Security;
using BackupMonitor.Decisions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupMonitor.Dashboard;

/// <summary>What every dashboard page shares: its texts and the answer to an action a read-only key may not take.</summary>
public abstract class DashboardPageModel(DashboardText text) : PageModel
{
    /// <summary>The page number's query parameter: not `page`, which Razor Pages keeps for the page's own name.</summary>
    public const string PageParameter = "p";

    public DashboardText T { get; } = text;

    /// <summary>403 for a key whose role may not: the buttons are hidden, and a hand-made POST is refused here too.</summary>
    protected IActionResult RefuseReadOnly() => Message(StatusCodes.Status403Forbidden, T.Forbidden);

    /// <summary>What reading this page is (SPEC §11): asked of the decision before any of its handlers runs; null only for signing in and out.</summary>
    protected abstract AccessAction? Reads { get; }

    /// <summary>Every page asks the decision before its handler: a role that may not read it gets the refusal page.</summary>
    public override async Task OnPageHandlerExecutionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context,
        Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutionDelegate next)
    {
        if (Reads is { } action && await RefusalAsync(action, AccessTarget.None) is { } refused)
        {
            context.Result = refused;
            return;
        }
        await next();
    }

    /// <summary>The signed-in caller (the dashboard's pages all need a session).</summary>
    public AccessCaller Caller => User.Caller() ?? throw new InvalidOperationException("a dashboard page ran without a signed-in key");

    /// <summary>
    /// Asks <see cref="Decisions.Access"/> (through the authorization service, as the API does) and answers the refusal
    /// page, or null when allowed. A job outside the key's companies gets the page of an unknown job.
    /// </summary>
    protected async Task<IActionResult?> RefusalAsync(AccessAction action, AccessTarget target, int? jobId = null) =>
        await HttpContext.AskAsync(action, target) switch
        {
            AccessDecision.Allow => null,
            AccessDecision.NotFound => Message(StatusCodes.Status404NotFound, jobId is { } id ? T.NoSuchJob(id) : T.Forbidden),
            _ => RefuseReadOnly(),
        };

    /// <summary>A short page with one message (403, 404), in the request's language.</summary>
    protected IActionResult Message(int status, string message)
    {
        var html = HtmlEncoder.Default;
        return new ContentResult
        {
            StatusCode = status,
            ContentType = "text/html; charset=utf-8",
            Content = $"""
                <!DOCTYPE html>
                <html lang="{T.Language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>{status} · BackupMonitor</title><link rel="stylesheet" href="/dashboard.css"></head>
                <body><main id="main"><h1>{status}</h1><p class="message error" role="alert">{html.Encode(message)}</p>
                <p><a href="/">{html.Encode(T.Overview)}</a></p></main></body></html>
                """,
        };
    }
}
