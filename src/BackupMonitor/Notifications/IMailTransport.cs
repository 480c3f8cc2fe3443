using MimeKit;

namespace BackupMonitor.Notifications;

/// <summary>Hands one message to the mail system. Throws <see cref="NotificationException"/> when it cannot.</summary>
public interface IMailTransport
{
    /// <summary>Where messages go, for people: `smtp.example.com:587 (STARTTLS)` or the pickup folder.</summary>
    string Describe();

    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}
