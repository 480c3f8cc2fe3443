using BackupMonitor.Api;
using BackupMonitor.Cli;
using BackupMonitor.Configuration;
using BackupMonitor.Dashboard;
using BackupMonitor.Drills;
using BackupMonitor.MonthlyReports;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using BackupMonitor.Retention;
using BackupMonitor.Scanning;
using BackupMonitor.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Hosting;

/// <summary>The `serve` web host: the core services, the HTTP API, the dashboard, and the background scans and deliveries.</summary>
public static class ServeHost
{
    /// <summary>How long shutdown (SIGTERM) waits for a scan or request in progress. systemd's TimeoutStopSec should exceed it.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromMinutes(5);

    /// <param name="registrations">Applied first, so they win over the core's defaults (tests swap infrastructure here).</param>
    /// <param name="configure">Last changes to the builder (tests use an in-memory server).</param>
    /// <param name="log">Where log lines go (the command's stderr; the console's when null).</param>
    public static WebApplication Build(Settings settings, TimeProvider time, IEnumerable<Action<IServiceCollection>> registrations,
        string? urls = null, Action<WebApplicationBuilder>? configure = null, TextWriter? log = null)
    {
        // The application is this assembly (its compiled Razor pages), also when a test runner is the entry assembly.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(ServeHost).Assembly.GetName().Name });
        if (!string.IsNullOrWhiteSpace(urls)) builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information).AddProvider(new TextWriterLoggerProvider(log ?? Console.Error, LogLevel.Information, time));
        foreach (var register in registrations) register(builder.Services);
        builder.Services.AddBackupMonitorCore(settings, time);
        builder.Services.AddBackupMonitorApi(settings);
        builder.Services.AddBackupMonitorDashboard(settings);
        AddServeLoops(builder.Services);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapBackupMonitorApi();
        app.MapBackupMonitorDashboard();
        return app;
    }

    /// <summary>Creates the storage areas and applies migrations before the host starts; refuses to start when no key could sign in.</summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var settings = app.Services.GetRequiredService<Settings>();
        settings.Storage.EnsureStorageAreas();
        bool keysExist;
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().MigrateAsync(cancellationToken);
            keysExist = !app.Services.GetRequiredService<ApiKeys>().IsEmpty
                || await scope.ServiceProvider.GetRequiredService<Security.KeyRegistry>().AnyLiveAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new DatabaseUnavailableException(settings.Database, e);
        }
        if (!keysExist) throw new SettingsException(ApiKeys.NoKeyMessage);
        // A drill server that could do harm (a superuser, BackupMonitor's own database) is refused before any work.
        await app.Services.GetRequiredService<DrillServer>().CheckAsync(cancellationToken);
    }

    /// <summary>What `serve` runs besides answering requests: the metrics, the scan schedule and the delivery loop.</summary>
    private static void AddServeLoops(IServiceCollection services)
    {
        services.AddSingleton<ServeMetrics>();
        services.AddSingleton<MeteredScans>();
        services.AddHostedService<ScheduledScans>();
        services.AddDailyRetention();
        services.AddMonthlyReportDelivery();
        services.AddHostedService<NoticeDeliveryLoop>();
        services.AddHostedService<ScheduledDrills>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
    }
}
