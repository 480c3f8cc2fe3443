using BackupMonitor.Configuration;
using BackupMonitor.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupMonitor.Drills;

public static class DrillsSetup
{
    /// <summary>Restore drills (SPEC §13): the runner and its drill server, the store, and the service every command and `serve` use.</summary>
    public static IServiceCollection AddDrills(this IServiceCollection services, Settings settings)
    {
        services.TryAddSingleton(settings.Drills);
        services.TryAddSingleton(settings.Database);
        services.AddSingleton<DrillServer>();
        services.AddSingleton<PostgresRestore>();
        services.AddSingleton<DrillRunner>();
        services.AddSingleton<DrillService>();
        services.AddScoped<DrillStore>();
        services.AddScoped<DrillLeftovers>();
        services.TryAddScoped<IDrillNotifier, OutboxDrillNotifier>();
        return services;
    }
}
