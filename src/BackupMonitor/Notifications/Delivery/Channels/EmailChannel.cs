using BackupMonitor.Configuration;
using BackupMonitor.Domain;

namespace BackupMonitor.Notifications.Channels;

/// <summary>`email`: the target's addresses, over one SMTP session per delivery pass (SPEC §6.4).</summary>
public sealed class EmailChannel(IMailTransport transport, EmailOptions options) : IChannel
{
    public DestinationKind Kind => DestinationKind.Email;

    public async Task<IChannelSession> OpenAsync(Destination destination, CancellationToken cancellationToken)
    {
        try
        {
            return new Session(await transport.OpenAsync(cancellationToken), options, Recipients(destination.Target));
        }
        catch (NotificationException e)
        {
            throw new DeliveryException(DeliveryFailure.ConnectionDown, e.Message, e);
        }
    }

    public static IReadOnlyList<string> Recipients(string target) =>
        target.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private sealed class Session(IMailSession mail, EmailOptions options, IReadOnlyList<string> recipients) : IChannelSession
    {
        public async Task SendAsync(OutgoingNotice notice, CancellationToken cancellationToken)
        {
            var message = NoticeMessage.Build(options, notice.Message.Subject, notice.Message.Text, notice.Message.Html, recipients,
                messageId: $"delivery-{notice.DeliveryKey}.{notice.CreatedAtUtc:yyyyMMddHHmmss}@backupmonitor", attachments: notice.Message.Attachments);
            try
            {
                await mail.SendAsync(message, cancellationToken);
            }
            catch (NotificationException e)
            {
                throw new DeliveryException(e.ConnectionLevel ? DeliveryFailure.ConnectionDown : DeliveryFailure.Retry, e.Message, e);
            }
        }

        public ValueTask DisposeAsync() => mail.DisposeAsync();
    }
}
