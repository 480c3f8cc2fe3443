using BackupMonitor.Domain;

namespace BackupMonitor.Notifications.Channels;

/// <summary>The texts of one notice, rendered from its templates when it is sent.</summary>
public sealed record RenderedNotice(string Subject, string Text, string Html, string Chat);

/// <summary>
/// One delivery ready to go: its notice's event and data as read at delivery time, and its rendered texts.
/// A test message (`destinations test`) has no notice, job or entry.
/// </summary>
public sealed record OutgoingNotice(
    int DeliveryId, int NoticeId, string Event, ExpectedBackupJob? Job, BackupEntry? Entry, DateTime CreatedAtUtc, RenderedNotice Message, string? PreviousStatus = null)
{
    /// <summary>A digest's notices (SPEC §6.3), with <see cref="Event"/> `digest`; null for one notice.</summary>
    public IReadOnlyList<DigestItem>? Items { get; init; }
    public int DigestId { get; init; }

    /// <summary>Stable across retries of one delivery, so receivers can drop repeats (a digest is named by its own id).</summary>
    public string DeliveryKey => DigestId > 0 ? $"digest-{DigestId.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
        : DeliveryId > 0 ? DeliveryId.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"test-{CreatedAtUtc:yyyyMMddHHmmssfff}";
}

/// <summary>One notice carried by a digest, with its job and entry as read at delivery.</summary>
public sealed record DigestItem(Notice Notice, ExpectedBackupJob Job, BackupEntry Entry);

/// <summary>How a send failed: try again later (an attempt counted), give up now, or the destination itself is unreachable.</summary>
public enum DeliveryFailure
{
    /// <summary>Refused or failed for this message; retried with backoff, an attempt counted.</summary>
    Retry,

    /// <summary>Refused for good (a 4xx other than 408/429, a template fault): failed at once.</summary>
    Permanent,

    /// <summary>The destination cannot be reached (connect, TLS, auth, timeout): its pass ends, no attempt counted.</summary>
    ConnectionDown,
}

public sealed class DeliveryException(DeliveryFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public DeliveryFailure Failure { get; } = failure;
}

/// <summary>One kind of destination (SPEC §6.2). The outbox does retries, claims and states above it.</summary>
public interface IChannel
{
    DestinationKind Kind { get; }

    /// <summary>Prepares to send to <paramref name="destination"/> (an SMTP channel connects and logs in here).</summary>
    Task<IChannelSession> OpenAsync(Destination destination, CancellationToken cancellationToken);
}

/// <summary>Sends messages to one destination; throws <see cref="DeliveryException"/> when one is not accepted.</summary>
public interface IChannelSession : IAsyncDisposable
{
    Task SendAsync(OutgoingNotice notice, CancellationToken cancellationToken);
}
