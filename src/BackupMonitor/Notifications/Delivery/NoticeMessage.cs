using BackupMonitor.Configuration;
using MimeKit;

namespace BackupMonitor.Notifications;

/// <summary>Builds the MIME message: UTF-8 plain text, with the HTML alternative when there is one.</summary>
public static class NoticeMessage
{
    public static MimeMessage Build(EmailOptions options, string subject, string text, string? html, IEnumerable<string>? to = null, string? messageId = null,
        IReadOnlyList<Channels.NoticeAttachment>? attachments = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.Sender!));
        foreach (var recipient in to ?? options.Recipients) message.To.Add(MailboxAddress.Parse(recipient));
        message.Subject = subject;
        if (messageId is not null) message.MessageId = messageId;

        var plain = new TextPart("plain") { Text = text };
        plain.ContentType.Charset = "utf-8";
        MimeEntity body = plain;
        if (html is not null)
        {
            var rich = new TextPart("html") { Text = html };
            rich.ContentType.Charset = "utf-8";
            body = new MultipartAlternative { plain, rich };
        }
        if (attachments is { Count: > 0 })
        {
            var mixed = new Multipart("mixed") { body };
            foreach (var file in attachments)
                mixed.Add(new MimePart(ContentType.Parse(file.MediaType))
                {
                    Content = new MimeContent(new MemoryStream(file.Content)), FileName = file.FileName,
                    ContentDisposition = new ContentDisposition(ContentDisposition.Attachment), ContentTransferEncoding = ContentEncoding.Base64,
                });
            body = mixed;
        }
        message.Body = body;
        return message;
    }
}
