using BackupMonitor.Decisions;
using BackupMonitor.Agents;
using BackupMonitor.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace BackupMonitor.Dashboard.Pages;

/// <summary>Agents (SPEC §10), for admins: last seen, active jobs, revoked. Never a token.</summary>
public sealed class AgentsModel(AgentRegistry registry, DashboardText text) : DashboardPageModel(text)
{
    protected override AccessAction? Reads => AccessAction.ReadAgents;

    public AgentsText A => AgentsText.For(T.Language);
    public IReadOnlyList<AgentView> Agents { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Agents = await registry.ViewsAsync(cancellationToken);
        return Page();
    }
}
