using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Scanning;

public static class ScanningSetup
{
    /// <summary>The scan pipeline (read → plan → files → commit). One scope = one scan.</summary>
    public static IServiceCollection AddScanning(this IServiceCollection services)
    {
        services.AddSingleton<ScanService>();
        services.AddScoped<Persistence.ScanStore>();
        services.AddScoped<Reports.ReportReader>();
        services.AddScoped<Reports.ReportFiling>();
        services.AddScoped<LineFiles>();
        services.AddScoped<BatchPipeline>();
        services.AddScoped<Scanner>();
        return services;
    }
}
