using BackupMonitor.Api;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BackupMonitor.Agents;

/// <summary>`/api/agents` (SPEC §9, §10): admins list, add, rotate and revoke agents. A token is in the answer of add and rotate only.</summary>
public static class AgentsApi
{
    public sealed record AgentBody(string? AgentId, string? Description);

    public static void MapAgentsApi(this IEndpointRouteBuilder api)
    {
        var agents = api.MapGroup("/agents").WithTags("Agents");
        agents.MapGet("", async (AgentRegistry registry, CancellationToken ct) => TypedResults.Ok(await registry.ViewsAsync(ct))).Asks(AccessAction.ReadAgents);
        agents.MapPost("", (AgentBody body, AgentRegistry registry, CancellationToken ct) => Handle(async () =>
        {
            var issued = await registry.AddAsync(body.AgentId ?? "", body.Description, ct);
            return TypedResults.Created($"/api/agents/{issued.Agent.AgentId}", View(issued));
        })).Asks(AccessAction.ManageAgents);
        agents.MapPost("/{id}/rotate", (string id, AgentRegistry registry, CancellationToken ct) =>
            Handle(async () => TypedResults.Ok(View(await registry.RotateAsync(id, ct))))).Asks(AccessAction.ManageAgents);
        agents.MapDelete("/{id}", (string id, AgentRegistry registry, CancellationToken ct) =>
            Handle(async () => { await registry.RevokeAsync(id, ct); return TypedResults.NoContent(); })).Asks(AccessAction.ManageAgents);
    }

    public static IssuedTokenView View(IssuedToken issued) => new(issued.Agent.AgentId, issued.Agent.Description, issued.Agent.CreatedAtUtc,
        issued.Agent.LastSeenAtUtc, issued.Agent.RevokedAtUtc, issued.Token);

    private static async Task<IResult> Handle<T>(Func<Task<T>> work) where T : IResult
    {
        try
        {
            return await work();
        }
        catch (AgentRequestException e)
        {
            return e.Problem switch
            {
                AgentProblem.NotFound => ApiProblems.NotFound(e.Message),
                AgentProblem.Exists => ApiProblems.Conflict(e.Message),
                _ => ApiProblems.BadFields([e.Message]),
            };
        }
    }
}
