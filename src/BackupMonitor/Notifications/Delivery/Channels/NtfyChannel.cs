using System.Net.Http.Headers;
using System.Text;
using BackupMonitor.Configuration;
using BackupMonitor.Domain;

namespace BackupMonitor.Notifications.Channels;

/// <summary>
/// `ntfy`: POST of the text to `server/topic`, with `Title` and `Priority` (5 hash mismatch and corrupt, 4 other
/// alerts, 3 recovery and warning) and the secret, if any, as a bearer token.
/// </summary>
public sealed class NtfyChannel(IHttpClientFactory clients, DeliveryOptions options, TimeProvider time) : HttpChannel(clients, options, time)
{
    public override DestinationKind Kind => DestinationKind.Ntfy;

    public static int Priority(OutgoingNotice notice) => notice.Event switch
    {
        "alert" when notice.Status is "hash_mismatch" or "corrupt" => 5,
        "alert" => 4,
        "digest" when notice.Items?.Any(i => i.Notice.Kind == NoticeKind.Alert) == true =>
            notice.Items.Any(i => i.Notice.Status is "hash_mismatch" or "corrupt") ? 5 : 4,
        _ => 3,
    };

    /// <summary>HTTP headers are ASCII; ntfy reads RFC 2047 encoded words for the rest (RÉTABLISSEMENT…).</summary>
    public static string HeaderText(string text) =>
        text.All(char.IsAscii) ? text : $"=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(text))}?=";

    protected override HttpRequestMessage Build(Destination destination, OutgoingNotice notice)
    {
        var lines = notice.Message.Chat.Split('\n');
        // The chat text starts with the subject, which ntfy shows as the title already.
        var text = lines.Length > 1 && lines[0] == notice.Message.Subject ? string.Join('\n', lines.Skip(1)) : notice.Message.Chat;
        var request = new HttpRequestMessage(HttpMethod.Post, destination.Target)
        {
            Content = new StringContent(text, Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Title", HeaderText(notice.Message.Subject));
        request.Headers.Add("Priority", Priority(notice).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(destination.Secret)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", destination.Secret);
        return request;
    }
}
