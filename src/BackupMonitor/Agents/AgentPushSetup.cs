using BackupMonitor.Uploads;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Agents;

/// <summary>Agents pushing over HTTPS (SPEC §10): their token scheme, the tus uploads, reports, and the expiry of idle uploads.</summary>
public static class AgentPushSetup
{
    public static IServiceCollection AddAgentPush(this IServiceCollection services)
    {
        services.AddAgentAuthentication();
        services.AddScoped<UploadStore>();
        services.AddScoped<UploadWriter>();
        services.AddScoped<PushedReports>();
        services.AddSingleton<AgentStaging>();
        services.AddHostedService<ExpiredUploads>();
        return services;
    }

    /// <summary>`/api/agent/v1/…`, for agent tokens only (the admins' `/api/agents` is in the API's group).</summary>
    public static WebApplication MapAgentPush(this WebApplication app)
    {
        var agent = app.MapGroup(AgentAuthentication.RoutePrefix).RequireAuthorization(AgentAuthentication.Policy);
        agent.MapUploadsApi(app);
        agent.MapAgentApi();
        return app;
    }
}
