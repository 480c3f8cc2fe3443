using BackupMonitor.Agents;
using BackupMonitor.Configuration;
using BackupMonitor.Contracts;
using BackupMonitor.Dashboard;
using BackupMonitor.Decisions;
using BackupMonitor.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace BackupMonitor.Api;

/// <summary>The HTTP API of `serve`: API-key authentication, problem details, JSON settings, OpenAPI and the routes.</summary>
public static class ApiSetup
{
    public static IServiceCollection AddBackupMonitorApi(this IServiceCollection services, Settings settings)
    {
        // Data protection (used by the dashboard's cookies) keeps its keys under the data root: see AddBackupMonitorDashboard.
        services.AddApiKeyAuthentication(ApiKeys.From(settings));
        services.AddSingleton<FailedAuthentications>();
        services.AddAgentPush();
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
        services.AddOpenApi(o => o.AddAccessDescriptions());
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
        app.MapMetrics("/metrics", app.Services.GetRequiredService<ServeMetrics>().Registry).Asks(AccessAction.ReadMetrics);
        // Every route under /api needs a key; what the key may do there, each route asks Decisions.Access.
        var api = app.MapGroup("/api").RequireAuthorization(p => p.RequireAuthenticatedUser());
        api.MapJobsApi();
        api.MapScansApi();
        api.MapNotificationsApi();
        api.MapDestinationsApi();
        api.MapMaintenanceApi();
        api.MapKeysApi();
        api.MapAuditApi();
        api.MapReportsApi();
        api.MapDrillsApi();
        api.MapAgentsApi();
        app.MapAgentPush();
        api.MapRetentionApi();
        return app;
    }
}
