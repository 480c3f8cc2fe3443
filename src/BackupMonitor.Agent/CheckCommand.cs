using System.Net;
using System.Text.Json.Nodes;

namespace BackupMonitor.Agent;

/// <summary>
/// `check --config FILE` (SPEC §10): reaches the server with the token and compares the agent's jobs with the configured
/// databases. Exit 0 when they match, 1 on a mismatch or when the server cannot be reached or refuses the token.
/// </summary>
public sealed class CheckCommand(AgentConfiguration configuration, HttpClient http, TextWriter output, TextWriter log)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        JsonArray jobs;
        try
        {
            using var response = await http.GetAsync(ServerClient.Route("jobs"), cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await log.WriteLineAsync($"error: {configuration.Server} answered {(int)response.StatusCode} {response.ReasonPhrase}" +
                    (response.StatusCode == HttpStatusCode.Unauthorized ? " (the token is unknown, rotated or revoked)" : ""));
                return 1;
            }
            jobs = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsArray();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            await log.WriteLineAsync($"error: cannot reach {configuration.Server}: {e.Message}");
            return 1;
        }

        var jobNames = jobs.Select(j => (string)j!["database_name"]!).ToHashSet(StringComparer.Ordinal);
        var configured = configuration.Databases.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        await output.WriteLineAsync($"server {configuration.Server} reached as agent {configuration.AgentId}");
        foreach (var name in configured.Union(jobNames).Order(StringComparer.Ordinal))
        {
            var state = (configured.Contains(name), jobNames.Contains(name)) switch
            {
                (true, true) => "ok",
                (true, false) => "configured, but the server has no job for it (its reports would be ignored)",
                _ => "a job on the server, but not configured here (it will be reported missing)",
            };
            await output.WriteLineAsync($"  {name}: {state}");
        }
        var matches = configured.SetEquals(jobNames);
        await output.WriteLineAsync(matches ? "configuration matches the server's jobs" : "configuration does not match the server's jobs");
        return matches ? 0 : 1;
    }
}
