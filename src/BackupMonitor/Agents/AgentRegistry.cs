using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Agents;

/// <summary>An agent request that cannot be done: a bad id (400), an existing one (409) or an unknown one (404).</summary>
public sealed class AgentRequestException(AgentProblem problem, string message) : Exception(message)
{
    public AgentProblem Problem { get; } = problem;
}

public enum AgentProblem { BadId, Exists, NotFound }

/// <summary>A new or rotated token, shown once, and the agent it opens.</summary>
public sealed record IssuedToken(Agent Agent, string Token);

/// <summary>
/// Agent identities (SPEC §10): add, list, rotate, revoke, and the token check of every push. Each change is audited
/// (SPEC §11) in the SaveChanges of the change; a token is never in the event.
/// </summary>
public sealed class AgentRegistry(BackupMonitorDbContext db, Security.AuditTrail audit, TimeProvider time)
{
    /// <summary>How stale last_seen_at_utc may get before a push writes it again (one write per upload, not per PATCH).</summary>
    public static readonly TimeSpan LastSeenPrecision = TimeSpan.FromSeconds(30);

    public async Task<IssuedToken> AddAsync(string agentId, string? description, CancellationToken cancellationToken = default)
    {
        if (!Names.IsValidIdentifier(agentId))
            throw new AgentRequestException(AgentProblem.BadId, $"agent_id: {Names.IdentifierRule}, got '{agentId}'");
        if (description is { Length: > 500 })
            throw new AgentRequestException(AgentProblem.BadId, "description: must be at most 500 characters");
        var folded = agentId.ToLowerInvariant();
        // Staging folders differ only by case on some filesystems (and to the eye): one agent per folded id.
        var existing = await db.Agents.AsNoTracking().Where(a => a.AgentId.ToLower() == folded).Select(a => a.AgentId).FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
            throw new AgentRequestException(AgentProblem.Exists, existing == agentId
                ? $"agent '{agentId}' already exists (rotate its token with `agents rotate {agentId}`)"
                : $"agent '{existing}' already exists; ids that differ only by case name the same staging folder on some systems");
        var token = AgentTokens.New();
        var agent = new Agent { AgentId = agentId, Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim(), TokenSha256 = AgentTokens.Fingerprint(token), CreatedAtUtc = time.UtcNow() };
        db.Agents.Add(agent);
        audit.Record("agent.add", $"agent:{agentId}", new { agent_id = agentId, description = agent.Description });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new AgentRequestException(AgentProblem.Exists, $"agent '{agentId}' already exists");
        }
        return new IssuedToken(agent, token);
    }

    public Task<List<Agent>> ListAsync(CancellationToken cancellationToken = default) =>
        db.Agents.AsNoTracking().OrderBy(a => a.AgentId).ToListAsync(cancellationToken);

    /// <summary>Every agent with its count of active jobs (the list of `agents list`, the API and the dashboard).</summary>
    public async Task<List<Contracts.AgentView>> ViewsAsync(CancellationToken cancellationToken = default)
    {
        var agents = await ListAsync(cancellationToken);
        var jobs = await db.Jobs.AsNoTracking().Where(j => j.IsActive).GroupBy(j => j.AgentIdResponsible)
            .Select(g => new { Agent = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Agent, g => g.Count, cancellationToken);
        return agents.Select(a => Contracts.AgentView.Of(a, jobs.GetValueOrDefault(a.AgentId))).ToList();
    }

    public Task<Agent?> FindAsync(string agentId, CancellationToken cancellationToken = default) =>
        db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.AgentId == agentId, cancellationToken);

    /// <summary>A new token; the old one stops at once. Rotating a revoked agent gives it a working token again.</summary>
    public async Task<IssuedToken> RotateAsync(string agentId, CancellationToken cancellationToken = default)
    {
        var agent = await TrackedAsync(agentId, cancellationToken);
        var token = AgentTokens.New();
        agent.TokenSha256 = AgentTokens.Fingerprint(token);
        agent.RevokedAtUtc = null;
        audit.Record("agent.rotate", $"agent:{agentId}", new { token = "(new)", revoked_at_utc = (DateTime?)null });
        await db.SaveChangesAsync(cancellationToken);
        return new IssuedToken(agent, token);
    }

    /// <summary>Stops the agent's token at once (its jobs and history stay). Revoking again keeps the first time.</summary>
    public async Task<Agent> RevokeAsync(string agentId, CancellationToken cancellationToken = default)
    {
        var agent = await TrackedAsync(agentId, cancellationToken);
        if (agent.RevokedAtUtc is null)
        {
            agent.RevokedAtUtc = time.UtcNow();
            audit.Record("agent.revoke", $"agent:{agentId}", new { revoked_at_utc = agent.RevokedAtUtc });
        }
        await db.SaveChangesAsync(cancellationToken);
        return agent;
    }

    /// <summary>
    /// The live agent this token opens, or null (unknown, revoked, or not a token). The row is found by the token's
    /// fingerprint and the fingerprints compared again in constant time; last_seen_at_utc moves on.
    /// </summary>
    public async Task<Agent?> AuthenticateAsync(string presented, CancellationToken cancellationToken = default)
    {
        if (!AgentTokens.LooksLikeToken(presented)) return null;
        var fingerprint = AgentTokens.Fingerprint(presented);
        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.TokenSha256 == fingerprint, cancellationToken);
        if (agent is null || agent.RevokedAtUtc is not null || !AgentTokens.SameFingerprint(agent.TokenSha256, fingerprint)) return null;
        var now = time.UtcNow();
        if (agent.LastSeenAtUtc is not { } seen || now - seen >= LastSeenPrecision)
        {
            await db.Agents.Where(a => a.Id == agent.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastSeenAtUtc, now), cancellationToken);
            agent.LastSeenAtUtc = now;
        }
        return agent;
    }

    private async Task<Agent> TrackedAsync(string agentId, CancellationToken cancellationToken) =>
        await db.Agents.FirstOrDefaultAsync(a => a.AgentId == agentId, cancellationToken)
        ?? throw new AgentRequestException(AgentProblem.NotFound, $"no agent '{agentId}' (see `agents list`)");
}
