using BackupMonitor.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupMonitor.Notifications;

public static class NotificationsSetup
{
    /// <summary>
    /// E-mail alerts through the outbox. Uses TryAdd, so a test (or another feature) that registered its own
    /// transport or notifier first keeps it.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, EmailOptions options)
    {
        services.TryAddSingleton<EmailSwitch>();
        services.TryAddSingleton<NoticeComposer>();
        services.TryAddSingleton<IMailTransport>(provider => options.PickupDirectory is { } pickup
            ? new PickupDirectoryTransport(pickup, provider.GetRequiredService<TimeProvider>())
            : new SmtpMailTransport(options));
        services.TryAddScoped<IEntryNotifier, OutboxNotifier>();
        services.TryAddScoped<INoticeDelivery, OutboxDelivery>();
        return services;
    }
}
