namespace BackupMonitor.Notifications;

/// <summary>Which step of sending an e-mail went wrong, in the words an operator checks first.</summary>
public enum NotificationFailure { Dns, Connect, Tls, Certificate, Auth, Recipient, Other }

/// <summary>
/// An e-mail could not be sent. The message says plainly which step failed; it never holds the password.
/// <see cref="ConnectionLevel"/>: the server could not be reached, secured, logged into, or stopped answering —
/// no other message can go through it now; otherwise the server refused this one message.
/// </summary>
public sealed class NotificationException(NotificationFailure failure, string message, Exception? inner = null, bool connectionLevel = false)
    : Exception(message, inner)
{
    public NotificationFailure Failure { get; } = failure;

    public bool ConnectionLevel { get; } = connectionLevel;

    /// <summary>`dns`, `connect`, `tls`, `certificate`, `auth`, `recipient` or `other`.</summary>
    public string Category => Failure.ToString().ToLowerInvariant();
}
