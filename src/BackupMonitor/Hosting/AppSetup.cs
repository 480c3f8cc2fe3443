using BackupMonitor.Agents;
using BackupMonitor.Configuration;
using BackupMonitor.Drills;
using BackupMonitor.Files;
using BackupMonitor.Jobs;
using BackupMonitor.MonthlyReports;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using BackupMonitor.Retention;
using BackupMonitor.Scanning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupMonitor.Hosting;

/// <summary>
/// The composition root every entry point shares (the command line, `serve`, the tests): settings, the database,
/// storage, and each room's services from its own Setup. `serve` adds the web host's on top (<see cref="ServeHost"/>).
/// One scope = one unit of work (one scan, one command, one request: one DbContext).
/// </summary>
public static class AppSetup
{
    public static IServiceCollection AddBackupMonitorCore(this IServiceCollection services, Settings settings, TimeProvider? time = null)
    {
        services.AddSingleton(settings);
        services.AddSingleton(settings.Storage);
        services.AddSingleton(settings.Scan);
        services.AddSingleton(settings.Email);
        services.AddSingleton(settings.Delivery);
        services.AddSingleton(settings.Content);
        services.AddSingleton(settings.Alerts);
        services.AddSingleton(settings.Reports);
        services.AddSingleton(settings.AgentPush);
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddSingleton<StorageLayout>();
        // Every test seam, off unless the environment (crash tests' processes) or a test's service collection sets it.
        services.TryAddSingleton(_ => Faults.FaultPoints.FromEnvironment());
        services.AddSingleton<FileMover>();
        services.AddBackupMonitorDatabase(settings.Database);
        services.AddNotifications(settings.Email);
        services.AddScanning();
        services.AddScoped<JobRegistry>();
        services.AddScoped<KeysetPages>();
        // The command line's changes are audited as `cli`; `serve` replaces this with the request's key.
        services.TryAddSingleton<Security.IAuditActor>(new Security.FixedAuditActor(Security.FixedAuditActor.Cli));
        services.AddScoped<Security.AuditTrail>();
        services.AddScoped<Security.KeyRegistry>();
        services.AddMonthlyReports();
        services.AddDrills(settings);
        services.AddScoped<AgentRegistry>();
        services.AddRetention(settings.Retention);
        return services;
    }

    public static void EnsureStorageAreas(this StorageOptions storage)
    {
        foreach (var area in storage.Areas) Directory.CreateDirectory(area);
    }
}
