using BackupMonitor.Configuration;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Notifications;

/// <summary>
/// Whether e-mail can be sent (a sender, and an SMTP host or a pickup folder), and the one warning per run when
/// it cannot. Recipients belong to each e-mail destination (`admins`: ADMIN_EMAIL_RECIPIENT).
/// </summary>
public sealed class EmailSwitch(EmailOptions options, ILogger<EmailSwitch> logger)
{
    public const string DisabledWarning = "SMTP e-mail settings are not configured: e-mail notification is disabled.";

    private int warned;

    public bool IsEnabled { get; } = options.CanSend;

    /// <summary>Logs the seed's warning the first time it is called in this process, then stays quiet.</summary>
    public void WarnOnceIfDisabled()
    {
        if ((IsEnabled && options.Recipients.Count > 0) || Interlocked.Exchange(ref warned, 1) == 1) return;
        logger.LogWarning(DisabledWarning + " (set EMAIL_HOST, EMAIL_SENDER and ADMIN_EMAIL_RECIPIENT, or EMAIL_PICKUP_DIRECTORY)");
    }
}
