using System.Net;
using BackupMonitor.Tests.Agents;
using BackupMonitor.Tests.Api;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>The Agents page (SPEC §10): for full keys only, with last seen, active jobs and revocation, and never a token.</summary>
public sealed class DashboardAgentsTests
{
    [Fact]
    public async Task A_full_key_sees_each_agents_jobs_last_seen_and_revocation_but_no_token_and_a_read_key_is_refused()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await host.Api.CreateJobAsync(ApiTestHost.JobBody("sales"));
        var token = await host.Api.AddAgentAsync("ACME_Paris_Centre");
        var revoked = await host.Api.AddAgentAsync("ACME_Lyon_Nord");
        using (var agent = host.Api.AgentClient(token)) Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/agent/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Api.Full.DeleteAsync("/api/agents/ACME_Lyon_Nord")).StatusCode);

        var browser = await host.SignedInAsync(ApiTestHost.FullKey);
        var page = await browser.PageAsync("/agents");
        var paris = page[page.IndexOf(">ACME_Paris_Centre<")..];
        paris = paris[..paris.IndexOf("</tr>")];
        Assert.Contains("<td>1</td>", paris);
        Assert.Contains(host.Api.Now.ToString("yyyy-MM-dd HH:mm") + " UTC", paris);
        Assert.Contains("active", paris);
        var lyon = page[page.IndexOf(">ACME_Lyon_Nord<")..];
        lyon = lyon[..lyon.IndexOf("</tr>")];
        Assert.Contains("never", lyon);
        Assert.DoesNotContain("active", lyon);
        Assert.DoesNotContain(token, page);
        Assert.DoesNotContain(revoked, page);
        Assert.Contains("href=\"/agents\"", await browser.PageAsync("/"));

        var reader = await host.SignedInAsync(ApiTestHost.ReadKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/agents")).StatusCode);
        Assert.DoesNotContain("href=\"/agents\"", await reader.PageAsync("/"));
    }
}
