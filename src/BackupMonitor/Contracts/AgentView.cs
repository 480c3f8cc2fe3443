using BackupMonitor.Domain;

namespace BackupMonitor.Contracts;

/// <summary>An agent identity (SPEC §10, `agents list`, `/api/agents`): never its token nor the token's fingerprint.</summary>
public sealed record AgentView(string AgentId, string? Description, DateTime CreatedAtUtc, DateTime? LastSeenAtUtc, DateTime? RevokedAtUtc, int Jobs)
{
    public static AgentView Of(Agent a, int jobs) => new(a.AgentId, a.Description, a.CreatedAtUtc, a.LastSeenAtUtc, a.RevokedAtUtc, jobs);
}

/// <summary>What `agents add` / `agents rotate` (and their API routes) answer: the agent and its token, shown this once.</summary>
public sealed record IssuedTokenView(string AgentId, string? Description, DateTime CreatedAtUtc, DateTime? LastSeenAtUtc, DateTime? RevokedAtUtc, string Token);
