using MimeKit;

namespace BackupMonitor.Notifications;

/// <summary>
/// Opens a session with the mail system: connected and authenticated once, then any number of messages.
/// Throws <see cref="NotificationException"/> when it cannot.
/// </summary>
public interface IMailTransport
{
    /// <summary>Where messages go, for people: `smtp.example.com:587 (STARTTLS)` or the pickup folder.</summary>
    string Describe();

    /// <summary>Connects, secures and authenticates; every failure here is connection-level.</summary>
    Task<IMailSession> OpenAsync(CancellationToken cancellationToken);
}

/// <summary>One open connection. A failure of <see cref="SendAsync"/> says whether the connection is still usable.</summary>
public interface IMailSession : IAsyncDisposable
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

public static class MailTransportExtensions
{
    /// <summary>One message over its own connection (`notify test`).</summary>
    public static async Task SendOneAsync(this IMailTransport transport, MimeMessage message, CancellationToken cancellationToken)
    {
        await using var session = await transport.OpenAsync(cancellationToken);
        await session.SendAsync(message, cancellationToken);
    }
}
