using BackupMonitor.Cli;
using BackupMonitor.Configuration;
using BackupMonitor.Dashboard;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace BackupMonitor.Api;

/// <summary>The `serve` web host: the core services, the HTTP API, the dashboard, and the background scans and deliveries.</summary>
public static class ServeHost
{
    /// <summary>How long shutdown (SIGTERM) waits for a scan or request in progress. systemd's TimeoutStopSec should exceed it.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromMinutes(5);

    /// <param name="registrations">Applied first, so they win over the core's defaults (tests swap infrastructure here).</param>
    /// <param name="configure">Last changes to the builder (tests use an in-memory server).</param>
    public static WebApplication Build(Settings settings, TimeProvider time, IEnumerable<Action<IServiceCollection>> registrations,
        string? urls = null, Action<WebApplicationBuilder>? configure = null)
    {
        // The application is this assembly (its compiled Razor pages), also when a test runner is the entry assembly.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(ServeHost).Assembly.GetName().Name });
        if (!string.IsNullOrWhiteSpace(urls)) builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.Logging.ClearProviders();
        builder.Services.AddStderrLogging(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        foreach (var register in registrations) register(builder.Services);
        builder.Services.AddBackupMonitorCore(settings, time);
        builder.Services.AddBackupMonitorApi(settings);
        builder.Services.AddBackupMonitorDashboard(settings);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapBackupMonitorApi();
        app.MapBackupMonitorDashboard();
        return app;
    }

    /// <summary>Creates the storage areas and applies migrations before the host starts.</summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var settings = app.Services.GetRequiredService<Settings>();
        settings.Storage.EnsureStorageAreas();
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().MigrateAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new DatabaseUnavailableException(settings.Database, e);
        }
    }

    public static IServiceCollection AddBackupMonitorApi(this IServiceCollection services, Settings settings)
    {
        // Data protection (used by the dashboard's cookies) keeps its keys under the data root: see AddBackupMonitorDashboard.
        services.AddApiKeyAuthentication(ApiKeys.From(settings));
        services.AddSingleton<FailedAuthentications>();
        services.AddProblemDetails();
        services.Configure<JsonOptions>(o =>
        {
            // The CLI's `--format json` settings, so that both print the same documents.
            o.SerializerOptions.PropertyNamingPolicy = Json.Options.PropertyNamingPolicy;
            o.SerializerOptions.DictionaryKeyPolicy = Json.Options.DictionaryKeyPolicy;
            o.SerializerOptions.Encoder = Json.Options.Encoder;
            o.SerializerOptions.DefaultIgnoreCondition = Json.Options.DefaultIgnoreCondition;
            o.SerializerOptions.WriteIndented = Json.Options.WriteIndented;
        });
        services.AddOpenApi();
        services.AddSingleton<ServeMetrics>();
        services.AddSingleton<MeteredScans>();
        services.AddHostedService<ScheduledScans>();
        services.AddHostedService<NoticeDeliveryLoop>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        return services;
    }

    public static WebApplication MapBackupMonitorApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDashboardLanguages();
        app.UseAuthentication();
        app.UseFailedAuthenticationLimit();
        app.UseAuthorization();
        app.MapOpenApi().AllowAnonymous(); // /openapi/v1.json: describes the routes, holds no data
        app.MapHealthApi();
        app.MapMetrics("/metrics", app.Services.GetRequiredService<ServeMetrics>().Registry)
            .RequireAuthorization(ApiKeyAuthentication.ReadPolicy);
        var api = app.MapGroup("/api").RequireAuthorization(ApiKeyAuthentication.ReadPolicy);
        api.MapJobsApi();
        api.MapScansApi();
        api.MapNotificationsApi();
        api.MapDestinationsApi();
        api.MapMaintenanceApi();
        return app;
    }
}
