using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BackupMonitor.Tests.Api;
using Microsoft.AspNetCore.TestHost;

namespace BackupMonitor.Tests.Agents;

/// <summary>An in-memory `serve` (<see cref="ApiTestHost"/>) with agents made through the admin API, and tus requests as a client sends them.</summary>
public static class AgentPushSite
{
    public const string Uploads = "/api/agent/v1/uploads";

    public static async Task<string> AddAgentAsync(this ApiTestHost host, string agentId)
    {
        var response = await host.Full.PostAsJsonAsync("/api/agents", new { agent_id = agentId, description = "test site" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["token"]!;
    }

    public static HttpClient AgentClient(this ApiTestHost host, string token, string address = "198.51.100.1")
    {
        var client = new HttpClient(host.App.GetTestServer().CreateHandler(c => c.Connection.RemoteIpAddress = IPAddress.Parse(address)))
        {
            BaseAddress = new Uri("http://localhost"),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        client.DefaultRequestHeaders.Add("Tus-Resumable", "1.0.0");
        return client;
    }

    public static string Metadata(string fileName) => "filename " + Convert.ToBase64String(Encoding.UTF8.GetBytes(fileName));

    public static Task<HttpResponseMessage> CreateAsync(this HttpClient client, string fileName, long length) =>
        client.CreateRawAsync(Metadata(fileName), length);

    public static Task<HttpResponseMessage> CreateRawAsync(this HttpClient client, string? metadata, long length)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Uploads) { Content = new ByteArrayContent([]) };
        request.Headers.Add("Upload-Length", length.ToString());
        if (metadata is not null) request.Headers.Add("Upload-Metadata", metadata);
        return client.SendAsync(request);
    }

    /// <summary>Creates an upload and returns its location.</summary>
    public static async Task<string> BeginAsync(this HttpClient client, string fileName, long length)
    {
        var response = await client.CreateAsync(fileName, length);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(response.Headers.Contains("Upload-Expires"));
        return response.Headers.Location!.OriginalString;
    }

    public static Task<HttpResponseMessage> PatchAsync(this HttpClient client, string location, long offset, byte[] bytes, string? checksum = null)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = content };
        request.Headers.Add("Upload-Offset", offset.ToString());
        if (checksum is not null) request.Headers.Add("Upload-Checksum", checksum);
        return client.SendAsync(request);
    }

    public static string Sha256Checksum(byte[] bytes) => "sha256 " + Convert.ToBase64String(SHA256.HashData(bytes));

    public static async Task<long> OffsetAsync(this HttpClient client, string location)
    {
        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, location));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single());
    }

    /// <summary>Uploads <paramref name="content"/> whole in two PATCHes and returns its SHA-256.</summary>
    public static async Task<string> UploadAsync(this HttpClient client, string fileName, byte[] content)
    {
        var location = await client.BeginAsync(fileName, content.Length);
        var half = content.Length / 2;
        Assert.Equal(HttpStatusCode.NoContent, (await client.PatchAsync(location, 0, content[..half])).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PatchAsync(location, half, content[half..], Sha256Checksum(content[half..]))).StatusCode);
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }

    public static string DatabaseFolder(this ApiTestHost host, string agentId) => Path.Combine(host.Root, "staging", agentId, "database");

    /// <summary>The files in the agent's staging folders (none when the folders do not exist).</summary>
    public static string[] StagedFiles(this ApiTestHost host, string agentId)
    {
        var folder = Path.Combine(host.Root, "staging", agentId);
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetFileName(f)).Order().ToArray() : [];
    }
}
