using BackupMonitor.Domain;

namespace BackupMonitor.Notifications.Channels;

/// <summary>The texts of one notice, rendered from its templates when it is sent, and any files a source attaches (e-mail only).</summary>
public sealed record RenderedNotice(string Subject, string Text, string Html, string Chat)
{
    public IReadOnlyList<NoticeAttachment> Attachments { get; init; } = [];
}

/// <summary>A file sent with a notice's e-mail (a monthly report's PDF or CSV, say).</summary>
public sealed record NoticeAttachment(string FileName, string MediaType, byte[] Content);

/// <summary>
/// The seam through which a source attaches files to its notices' e-mails: registered as a singleton
/// (`services.AddSingleton&lt;INoticeAttachments, …&gt;()`), asked for every notice rendered; returns none for notices not its own.
/// </summary>
public interface INoticeAttachments
{
    IReadOnlyList<NoticeAttachment> For(NoticeContent content);
}

/// <summary>
/// One delivery ready to go: its notice's event and data as read at delivery time, and its rendered texts.
/// A test message (`destinations test`) has no notice, job or entry.
/// </summary>
public sealed record OutgoingNotice(
    int DeliveryId, int NoticeId, string Event, ExpectedBackupJob? Job, BackupEntry? Entry, DateTime CreatedAtUtc, RenderedNotice Message, string? PreviousStatus = null)
{
    /// <summary>The notice itself (null for a test message or a digest).</summary>
    public Notice? Notice { get; init; }

    /// <summary>One notice's delivery: its event is its kind (`alert`, `recovery`, `warning`, `report`; SPEC §6.2).</summary>
    public static OutgoingNotice Of(int deliveryId, NoticeContent content, RenderedNotice message) =>
        new(deliveryId, content.Notice.Id, content.Notice.Kind.ToString().ToLowerInvariant(), content.Job, content.Entry, content.Notice.CreatedAtUtc,
            message, PreviousStatusOf(content.Notice)) { Notice = content.Notice };

    /// <summary>What a recovery recovered from: the job's previous status, or `drill_failed` for a drill's.</summary>
    public static string PreviousStatusOf(Notice notice) =>
        notice.Kind == NoticeKind.Recovery && notice.DrillId is not null ? Decisions.NoticeRouting.DrillFailed : notice.PreviousJobStatus.ToWire();

    /// <summary>The status the notice carries: its entry's for a scan alert, `drill_failed`, `warning`…</summary>
    public string? Status => Notice?.Status ?? Entry?.Status.ToWire();

    /// <summary>A digest's notices (SPEC §6.3), with <see cref="Event"/> `digest`; null for one notice.</summary>
    public IReadOnlyList<NoticeContent>? Items { get; init; }
    public int DigestId { get; init; }

    /// <summary>Stable across retries of one delivery, so receivers can drop repeats (a digest is named by its own id).</summary>
    public string DeliveryKey => DigestId > 0 ? $"digest-{DigestId.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
        : DeliveryId > 0 ? DeliveryId.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"test-{CreatedAtUtc:yyyyMMddHHmmssfff}";
}


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
