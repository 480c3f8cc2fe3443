using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BackupMonitor.Api;
using BackupMonitor.Tests.Api;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Tests.Agents;

/// <summary>Agents as identities (SPEC §10): tokens shown once, kept as SHA-256, opening only their agent's routes.</summary>
public class AgentIdentityTests
{
    [Fact]
    public async Task A_token_is_bma_and_43_base64url_characters_shown_once_and_stored_only_as_its_sha256()
    {
        await using var host = await ApiTestHost.StartAsync();
        var token = await host.AddAgentAsync("ACME_Paris_Centre");
        Assert.Matches(new Regex("^bma_[A-Za-z0-9_-]{43}$"), token);

        var listed = await host.Full.GetStringAsync("/api/agents");
        Assert.DoesNotContain(token, listed);
        var agent = Assert.Single(JsonNode.Parse(listed)!.AsArray())!;
        Assert.Equal("ACME_Paris_Centre", (string?)agent["agent_id"]);
        Assert.Null(agent["token"]);
        var stored = host.Db(db => db.Agents.Single());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token))), stored.TokenSha256);
        Assert.Null(stored.LastSeenAtUtc);

        using var agentClient = host.AgentClient(token);
        Assert.Equal(HttpStatusCode.OK, (await agentClient.GetAsync("/api/agent/v1/jobs")).StatusCode);
        Assert.Equal(host.Now, host.Db(db => db.Agents.Single()).LastSeenAtUtc);
        Assert.DoesNotContain(Directory.GetFiles(host.Root, "*", SearchOption.AllDirectories), f => !Path.GetFileName(f).Contains(".db") && File.ReadAllText(f).Contains(token));
    }

    [Fact]
    public async Task Rotated_and_revoked_tokens_stop_at_once()
    {
        await using var host = await ApiTestHost.StartAsync();
        var first = await host.AddAgentAsync("ACME_Paris_Centre");
        using var old = host.AgentClient(first);
        Assert.Equal(HttpStatusCode.OK, (await old.GetAsync("/api/agent/v1/jobs")).StatusCode);

        var rotated = await host.Full.PostAsync("/api/agents/ACME_Paris_Centre/rotate", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var second = (string)JsonNode.Parse(await rotated.Content.ReadAsStringAsync())!["token"]!;
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("/api/agent/v1/jobs")).StatusCode);
        using var current = host.AgentClient(second);
        Assert.Equal(HttpStatusCode.OK, (await current.GetAsync("/api/agent/v1/jobs")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await host.Full.DeleteAsync("/api/agents/ACME_Paris_Centre")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await current.GetAsync("/api/agent/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await current.CreateAsync("sales.dump", 10)).StatusCode);
        Assert.NotNull(JsonNode.Parse(await host.Full.GetStringAsync("/api/agents"))![0]!["revoked_at_utc"]);
    }

    [Fact]
    public async Task Agent_tokens_open_only_agent_routes_and_api_keys_never_open_agent_routes()
    {
        await using var host = await ApiTestHost.StartAsync();
        var token = await host.AddAgentAsync("ACME_Paris_Centre");
        using var agent = host.AgentClient(token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await agent.GetAsync("/api/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await agent.GetAsync("/api/agents")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await agent.GetAsync("/metrics")).StatusCode);
        using var apiKeyOnAgentRoute = host.AgentClient(ApiTestHost.FullKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await apiKeyOnAgentRoute.GetAsync("/api/agent/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await apiKeyOnAgentRoute.CreateAsync("sales.dump", 10)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous.GetAsync("/api/agent/v1/jobs")).StatusCode);
        // Only admins manage agents.
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Read.GetAsync("/api/agents")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Read.PostAsJsonAsync("/api/agents", new { agent_id = "X" })).StatusCode);
    }

    [Fact]
    public async Task Wrong_agent_tokens_spend_the_same_failed_sign_in_budget_as_wrong_api_keys()
    {
        await using var host = await ApiTestHost.StartAsync();
        var token = await host.AddAgentAsync("ACME_Paris_Centre");
        using var guesser = host.AgentClient("bma_" + new string('A', 43), "192.0.2.9");
        using var wrongKey = host.AgentClient("not-a-key-0123456789", "192.0.2.9");
        for (var i = 0; i < FailedAuthentications.PermitLimit / 2; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync("/api/agent/v1/jobs")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.GetAsync("/api/jobs")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await guesser.CreateAsync("sales.dump", 1)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await wrongKey.GetAsync("/api/jobs")).StatusCode);
        // The real token from the same address still works.
        using var real = host.AgentClient(token, "192.0.2.9");
        Assert.Equal(HttpStatusCode.OK, (await real.GetAsync("/api/agent/v1/jobs")).StatusCode);
    }

    [Fact]
    public async Task Agents_add_refuses_a_bad_id_and_an_id_equal_but_for_case()
    {
        await using var host = await ApiTestHost.StartAsync();
        await host.AddAgentAsync("ACME_Paris_Centre");
        Assert.Equal(HttpStatusCode.Conflict, (await host.Full.PostAsJsonAsync("/api/agents", new { agent_id = "acme_paris_centre" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await host.Full.PostAsJsonAsync("/api/agents", new { agent_id = "ACME_Paris_Centre" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Full.PostAsJsonAsync("/api/agents", new { agent_id = "../etc" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Full.PostAsync("/api/agents/nobody/rotate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Full.DeleteAsync("/api/agents/nobody")).StatusCode);
    }

    [Fact]
    public async Task Cli_agents_add_prints_the_token_alone_on_stdout_and_list_never_shows_it()
    {
        await using var host = await ApiTestHost.StartAsync();
        var token = (await host.CliAsync("agents", "add", "ACME_Lyon_Nord", "--description", "Lyon branch")).Trim();
        Assert.Matches(new Regex("^bma_[A-Za-z0-9_-]{43}$"), token);
        var list = await host.CliAsync("agents", "list");
        Assert.Contains("ACME_Lyon_Nord", list);
        Assert.Contains("never", list);
        Assert.DoesNotContain(token, list);
        var rotated = (await host.CliAsync("agents", "rotate", "ACME_Lyon_Nord")).Trim();
        Assert.NotEqual(token, rotated);
        Assert.Contains("revoked", await host.CliAsync("agents", "revoke", "ACME_Lyon_Nord"));
        using var agent = host.AgentClient(rotated);
        Assert.Equal(HttpStatusCode.Unauthorized, (await agent.GetAsync("/api/agent/v1/jobs")).StatusCode);
        var json = JsonNode.Parse(await host.CliAsync("agents", "list", "--format", "json"))!.AsArray();
        Assert.NotNull(json[0]!["revoked_at_utc"]);
    }
}
