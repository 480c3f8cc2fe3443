using BackupMonitor.Domain;

namespace BackupMonitor.Notifications.Channels;

/// <summary>
/// How a destination is shown in lists, logs and errors: URLs as scheme, host and `…` (Slack's and Teams' URLs are
/// their token; a webhook's may be), a secret as `(set)`. E-mail addresses are shown as they are.
/// </summary>
public static class Redaction
{
    public static string Target(Destination destination) =>
        destination.Kind == DestinationKind.Email ? destination.Target : Url(destination.Target);

    public static string Url(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Host}/…" : "…";

    public static string Secret(string? secret) => secret is null ? "" : "(set)";

    /// <summary>Removes the target and the secret from a text that may echo them (an error message).</summary>
    public static string Scrub(string text, Destination destination)
    {
        if (destination.Kind != DestinationKind.Email) text = text.Replace(destination.Target, Url(destination.Target), StringComparison.Ordinal);
        if (!string.IsNullOrEmpty(destination.Secret)) text = text.Replace(destination.Secret, "***", StringComparison.Ordinal);
        return text;
    }
}
