using BackupMonitor.Notifications.Channels;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupMonitor.MonthlyReports;

public static class MonthlyReportsSetup
{
    /// <summary>Compliance reports (SPEC §12): the computation's facts, the report, its printable page, the monthly notices and their attachment.</summary>
    public static IServiceCollection AddMonthlyReports(this IServiceCollection services)
    {
        services.AddScoped<ComplianceStore>();
        services.AddScoped<ComplianceReports>();
        services.AddSingleton<ReportPage>();
        services.AddScoped<ReportNotices>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INoticeAttachments, ReportAttachments>());
        return services;
    }

    /// <summary>`serve`: the monthly reports raised after its scheduled scans.</summary>
    public static IServiceCollection AddMonthlyReportDelivery(this IServiceCollection services) =>
        services.AddSingleton<IAfterScheduledScan, MonthlyReportDelivery>();
}
