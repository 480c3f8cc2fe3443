using BackupMonitor.Configuration;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupMonitor.Retention;

public static class RetentionSetup
{
    /// <summary>Retention's services (SPEC §14); one scope = one plan, apply or restore.</summary>
    public static IServiceCollection AddRetention(this IServiceCollection services, RetentionOptions options)
    {
        services.AddSingleton(options);
        services.AddScoped<RetentionStore>();
        services.TryAddScoped<IPassedDrills, RecordedDrills>();
        services.TryAddScoped<IRetentionWarnings, OutboxRetentionWarnings>();
        services.AddScoped<RetentionPlanner>();
        services.AddScoped<RetentionApplier>();
        services.AddScoped<RetentionRestore>();
        services.AddScoped<RetentionPolicies>();
        services.AddSingleton<TrashFiles>();
        return services;
    }

    /// <summary>`serve`: the daily apply after the first scan of each UTC day.</summary>
    public static IServiceCollection AddDailyRetention(this IServiceCollection services) =>
        services.AddSingleton<IAfterScheduledScan, DailyRetention>();
}
