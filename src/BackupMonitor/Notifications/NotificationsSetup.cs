using BackupMonitor.Configuration;
using BackupMonitor.Notifications.Channels;
using BackupMonitor.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupMonitor.Notifications;

public static class NotificationsSetup
{
    /// <summary>
    /// Alerts through the outbox: notices, routes, deliveries and one channel per destination kind. Uses TryAdd,
    /// so a test (or another feature) that registered its own transport first keeps it.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, EmailOptions options)
    {
        services.TryAddSingleton<EmailSwitch>();
        services.TryAddSingleton<NotificationTemplates>();
        services.TryAddSingleton<NoticeRenderer>();
        services.TryAddSingleton<IMailTransport>(provider => options.PickupDirectory is { } pickup
            ? new PickupDirectoryTransport(pickup, provider.GetRequiredService<TimeProvider>())
            : new SmtpMailTransport(options));
        // No request logging: a Slack or Teams URL is its token, and the factory would log every URL whole.
        services.AddHttpClient(HttpChannel.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannel, EmailChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannel, WebhookChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannel, SlackChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannel, TeamsChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannel, NtfyChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannel, AlertmanagerChannel>());
        services.TryAddScoped<DestinationCatalog>();
        services.TryAddScoped<NoticeStore>();
        services.TryAddScoped<NoticeOutbox>();
        services.TryAddScoped<MaintenanceRegistry>();
        services.TryAddScoped<MaintenanceFollowUp>();
        services.TryAddScoped<OutboxQuery>();
        services.TryAddScoped<DestinationRegistry>();
        services.TryAddScoped<INoticeDelivery, OutboxDelivery>();
        return services;
    }
}
