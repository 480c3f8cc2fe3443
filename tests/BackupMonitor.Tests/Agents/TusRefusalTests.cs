using System.Net;
using BackupMonitor.Tests.Api;

namespace BackupMonitor.Tests.Agents;

/// <summary>Every refusal of an upload's creation (SPEC §10) answers its code and leaves nothing in staging.</summary>
public class TusRefusalTests
{
    [Theory]
    [InlineData("../escape.dump", "..")]
    [InlineData("sub/dir.dump", "/")]
    [InlineData("back\\slash.dump", "\\")]
    [InlineData(".hidden.dump", "start with '.'")]
    [InlineData("sales.dump.part", ".part")]
    [InlineData("sales.dump.tmp", ".tmp")]
    [InlineData("", "empty")]
    public async Task A_bad_name_is_400_naming_the_rule_and_leaves_nothing(string name, string rule)
    {
        await using var host = await ApiTestHost.StartAsync();
        using var agent = host.AgentClient(await host.AddAgentAsync("ACME_Paris_Centre"));
        var response = await agent.CreateAsync(name, 10);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(rule, await response.Content.ReadAsStringAsync());
        Assert.Empty(host.StagedFiles("ACME_Paris_Centre"));
        Assert.Empty(host.Db(db => db.AgentUploads.ToList()));
    }

    [Fact]
    public async Task Missing_or_malformed_metadata_and_length_are_400_and_leave_nothing()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var agent = host.AgentClient(await host.AddAgentAsync("ACME_Paris_Centre"));
        Assert.Equal(HttpStatusCode.BadRequest, (await agent.CreateRawAsync(null, 10)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await agent.CreateRawAsync("filename !!!notbase64", 10)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await agent.CreateRawAsync(AgentPushSite.Metadata("sales.dump"), -1)).StatusCode);
        var noVersion = new HttpRequestMessage(HttpMethod.Post, AgentPushSite.Uploads) { Content = new ByteArrayContent([]) };
        noVersion.Headers.Add("Upload-Length", "10");
        noVersion.Headers.Add("Upload-Metadata", AgentPushSite.Metadata("sales.dump"));
        agent.DefaultRequestHeaders.Remove("Tus-Resumable");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await agent.SendAsync(noVersion)).StatusCode);
        Assert.Empty(host.StagedFiles("ACME_Paris_Centre"));
    }

    [Fact]
    public async Task More_than_the_maximum_is_413_and_leaves_nothing()
    {
        await using var host = await ApiTestHost.StartAsync(changeSettings: s => s["AGENT_UPLOAD_MAX_BYTES"] = "1000");
        using var agent = host.AgentClient(await host.AddAgentAsync("ACME_Paris_Centre"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await agent.CreateAsync("sales.dump", 1001)).StatusCode);
        // A PATCH carrying more than the upload's length is refused too, its bytes dropped.
        var location = await agent.BeginAsync("sales.dump", 1000);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await agent.PatchAsync(location, 0, new byte[1001])).StatusCode);
        Assert.Equal(0, await agent.OffsetAsync(location));
        Assert.Equal(0, new FileInfo(Directory.GetFiles(host.DatabaseFolder("ACME_Paris_Centre")).Single()).Length);
        await agent.DeleteAsync(location);
        Assert.Empty(host.StagedFiles("ACME_Paris_Centre"));
    }

    [Fact]
    public async Task Less_free_space_than_the_minimum_after_the_upload_is_507_counting_bytes_owed_to_live_uploads()
    {
        var free = new DriveInfo(Path.GetTempPath()).AvailableFreeSpace;
        var minimum = Math.Max(0, free - 2_000_000_000);
        await using var host = await ApiTestHost.StartAsync(changeSettings: s => s["STAGING_MIN_FREE_BYTES"] = minimum.ToString());
        using var agent = host.AgentClient(await host.AddAgentAsync("ACME_Paris_Centre"));
        Assert.Equal(HttpStatusCode.InsufficientStorage, (await agent.CreateAsync("huge.dump", 3_000_000_000)).StatusCode);
        Assert.Empty(host.StagedFiles("ACME_Paris_Centre"));
        // 1.2 GB fits; a second 1.2 GB does not while the first is still owed.
        await agent.BeginAsync("first.dump", 1_200_000_000);
        Assert.Equal(HttpStatusCode.InsufficientStorage, (await agent.CreateAsync("second.dump", 1_200_000_000)).StatusCode);
        Assert.Single(host.StagedFiles("ACME_Paris_Centre"));
    }

    [Fact]
    public async Task A_name_held_by_a_file_or_a_live_upload_is_409_and_nothing_is_overwritten()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var agent = host.AgentClient(await host.AddAgentAsync("ACME_Paris_Centre"));
        host.Agents.WriteBackup("ACME_Paris_Centre", "sales.dump", "already here");
        Assert.Equal(HttpStatusCode.Conflict, (await agent.CreateAsync("sales.dump", 10)).StatusCode);
        Assert.Equal("already here", await File.ReadAllTextAsync(Path.Combine(host.DatabaseFolder("ACME_Paris_Centre"), "sales.dump")));
        await agent.BeginAsync("orders.dump", 10);
        Assert.Equal(HttpStatusCode.Conflict, (await agent.CreateAsync("orders.dump", 10)).StatusCode);
        Assert.Equal(2, host.StagedFiles("ACME_Paris_Centre").Length);
    }

    [Fact]
    public async Task A_link_where_the_agents_folder_should_be_is_409_and_never_followed()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var agent = host.AgentClient(await host.AddAgentAsync("ACME_Paris_Centre"));
        var elsewhere = Directory.CreateTempSubdirectory().FullName;
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(host.Root, "staging", "ACME_Paris_Centre"), elsewhere);
            Assert.Equal(HttpStatusCode.Conflict, (await agent.CreateAsync("sales.dump", 10)).StatusCode);
            Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }
}
