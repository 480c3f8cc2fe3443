using BackupMonitor.Configuration;
using BackupMonitor.Drills;
using BackupMonitor.Files;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using BackupMonitor.Reports;
using BackupMonitor.Retention;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Scanning;

public static class ScanningSetup
{
    /// <summary>Settings, database, storage and the scan pipeline. One scope = one scan (one DbContext).</summary>
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
        services.AddBackupMonitorDatabase(settings.Database);
        services.AddNotifications(settings.Email);
        services.AddSingleton<ScanService>();
        services.AddScoped<ScanStore>();
        services.AddScoped<ReportReader>();
        services.AddScoped<ReportFiling>();
        services.AddScoped<LineFiles>();
        services.AddScoped<BatchPipeline>();
        services.AddScoped<Scanner>();
        services.AddScoped<Jobs.JobRegistry>();
        services.AddScoped<Jobs.KeysetPages>();
        // The command line's changes are audited as `cli`; `serve` replaces this with the request's key.
        services.TryAddSingleton<Security.IAuditActor>(new Security.FixedAuditActor(Security.FixedAuditActor.Cli));
        services.AddScoped<Security.AuditTrail>();
        services.AddScoped<Security.KeyRegistry>();
        services.AddScoped<ComplianceStore>();
        services.AddScoped<MonthlyReports.ComplianceReports>();
        services.AddScoped<MonthlyReports.ReportPage>();
        services.AddDrills(settings);
        services.AddScoped<Agents.AgentRegistry>();
        services.AddRetention(settings.Retention);
        return services;
    }

    public static void EnsureStorageAreas(this StorageOptions storage)
    {
        foreach (var area in storage.Areas) Directory.CreateDirectory(area);
    }

    public static IServiceCollection AddStderrLogging(this IServiceCollection services, LogLevel minimum) =>
        services.AddLogging(logging => logging
            .SetMinimumLevel(minimum)
            .AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning)
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
}
