using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupMonitor.Dashboard;

/// <summary>What every dashboard page shares: its texts and the answer to an action a read-only key may not take.</summary>
public abstract class DashboardPageModel(DashboardText text) : PageModel
{
    /// <summary>The page number's query parameter: not `page`, which Razor Pages keeps for the page's own name.</summary>
    public const string PageParameter = "p";

    public DashboardText T { get; } = text;

    /// <summary>403 for a read-only key: the buttons are hidden, and a hand-made POST is refused here too.</summary>
    protected IActionResult RefuseReadOnly() => Message(StatusCodes.Status403Forbidden, T.Forbidden);

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
