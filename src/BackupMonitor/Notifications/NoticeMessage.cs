using BackupMonitor.Configuration;
using MimeKit;

namespace BackupMonitor.Notifications;

/// <summary>Builds the MIME message: UTF-8 plain text, with the HTML alternative when there is one.</summary>
public static class NoticeMessage
{
    public static MimeMessage Build(EmailOptions options, string subject, string text, string? html, IEnumerable<string>? to = null, string? messageId = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.Sender!));
        foreach (var recipient in to ?? options.Recipients) message.To.Add(MailboxAddress.Parse(recipient));
        message.Subject = subject;
        if (messageId is not null) message.MessageId = messageId;

        var plain = new TextPart("plain") { Text = text };
        plain.ContentType.Charset = "utf-8";
        if (html is null)
        {
            message.Body = plain;
            return message;
        }
        var rich = new TextPart("html") { Text = html };
        rich.ContentType.Charset = "utf-8";
        message.Body = new MultipartAlternative { plain, rich };
        return message;
    }
}
