using System.Net;
using System.Security.Cryptography;
using BackupMonitor.Tests.Api;
using BackupMonitor.Uploads;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Agents;

/// <summary>The tus 1.0.0 server (SPEC §10): creation, offsets, checksums, holds, termination and expiry, on the suite's database.</summary>
public class TusUploadTests
{
    private static byte[] Bytes(int length, int seed = 1) { var b = new byte[length]; new Random(seed).NextBytes(b); return b; }

    [Fact]
    public async Task Options_needs_no_token_and_tells_the_capabilities()
    {
        await using var host = await ApiTestHost.StartAsync(changeSettings: s => s["AGENT_UPLOAD_MAX_BYTES"] = "5000");
        var response = await host.Anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Options, AgentPushSite.Uploads));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Resumable").Single());
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        Assert.Equal("creation,checksum,termination,expiration", response.Headers.GetValues("Tus-Extension").Single());
        Assert.Equal("sha1,sha256", response.Headers.GetValues("Tus-Checksum-Algorithm").Single());
        Assert.Equal("5000", response.Headers.GetValues("Tus-Max-Size").Single());
    }

    [Fact]
    public async Task An_upload_in_pieces_is_a_part_file_until_its_last_byte_then_its_own_name()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var agent = host.AgentClient(await host.AddAgentAsync("ACME_Paris_Centre"));
        var content = Bytes(3_000_000);
        var location = await agent.BeginAsync("sales_20261205T020000Z.dump", content.Length);
        var id = location.Split('/').Last();
        Assert.Equal(["sales_20261205T020000Z.dump." + id + ".part"], host.StagedFiles("ACME_Paris_Centre"));

        Assert.Equal(HttpStatusCode.NoContent, (await agent.PatchAsync(location, 0, content[..1_000_000])).StatusCode);
        Assert.Equal(1_000_000, await agent.OffsetAsync(location));
        // A wrong offset is refused and changes nothing.
        Assert.Equal(HttpStatusCode.Conflict, (await agent.PatchAsync(location, 0, content[..10])).StatusCode);
        // A checksum mismatch drops that request's bytes.
        Assert.Equal((HttpStatusCode)460, (await agent.PatchAsync(location, 1_000_000, content[1_000_000..2_000_000], AgentPushSite.Sha256Checksum(content[..10]))).StatusCode);
        Assert.Equal(1_000_000, await agent.OffsetAsync(location));
        Assert.Equal(1_000_000, new FileInfo(Path.Combine(host.DatabaseFolder("ACME_Paris_Centre"), $"sales_20261205T020000Z.dump.{id}.part")).Length);
        var sha1 = "sha1 " + Convert.ToBase64String(SHA1.HashData(content[1_000_000..])); 
        var last = await agent.PatchAsync(location, 1_000_000, content[1_000_000..], sha1);
        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        Assert.Equal("3000000", last.Headers.GetValues("Upload-Offset").Single());

        Assert.Equal(["sales_20261205T020000Z.dump"], host.StagedFiles("ACME_Paris_Centre"));
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(host.DatabaseFolder("ACME_Paris_Centre"), "sales_20261205T020000Z.dump")));
        Assert.Equal(3_000_000, await agent.OffsetAsync(location));
        // A completed upload cannot be abandoned, and its name cannot be uploaded again.
        Assert.Equal(HttpStatusCode.NotFound, (await agent.DeleteAsync(location)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await agent.CreateAsync("sales_20261205T020000Z.dump", 10)).StatusCode);
    }

    [Fact]
    public async Task The_database_offset_is_the_truth_a_longer_part_file_is_cut_back()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var agent = host.AgentClient(await host.AddAgentAsync("ACME_Paris_Centre"));
        var content = Bytes(100_000);
        var location = await agent.BeginAsync("sales.dump", content.Length);
        await agent.PatchAsync(location, 0, content[..40_000]);
        // A writer that died after writing but before recording: garbage past the recorded offset.
        var part = Directory.GetFiles(host.DatabaseFolder("ACME_Paris_Centre")).Single();
        await File.AppendAllTextAsync(part, new string('!', 5000));
        Assert.Equal(40_000, await agent.OffsetAsync(location));
        Assert.Equal(HttpStatusCode.NoContent, (await agent.PatchAsync(location, 40_000, content[40_000..])).StatusCode);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(host.DatabaseFolder("ACME_Paris_Centre"), "sales.dump")));
    }

    [Fact]
    public async Task A_second_patch_while_one_holds_the_upload_gets_423()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var agent = host.AgentClient(await host.AddAgentAsync("ACME_Paris_Centre"));
        var location = await agent.BeginAsync("sales.dump", 100);
        var id = location.Split('/').Last();
        using (var scope = host.App.Services.CreateScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<UploadStore>();
            Assert.True(await store.TryHoldAsync(id, CancellationToken.None));
            Assert.Equal((HttpStatusCode)423, (await agent.PatchAsync(location, 0, new byte[10])).StatusCode);
            await store.ReleaseAsync(id);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await agent.PatchAsync(location, 0, new byte[10])).StatusCode);
    }

    [Fact]
    public async Task Delete_abandons_an_upload_and_removes_its_part()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var agent = host.AgentClient(await host.AddAgentAsync("ACME_Paris_Centre"));
        var location = await agent.BeginAsync("sales.dump", 100);
        await agent.PatchAsync(location, 0, new byte[50]);
        Assert.Equal(HttpStatusCode.NoContent, (await agent.DeleteAsync(location)).StatusCode);
        Assert.Empty(host.StagedFiles("ACME_Paris_Centre"));
        Assert.Equal(HttpStatusCode.NotFound, (await agent.SendAsync(new HttpRequestMessage(HttpMethod.Head, location))).StatusCode);
        // The name is free again.
        await agent.BeginAsync("sales.dump", 100);
    }

    [Fact]
    public async Task An_upload_idle_past_its_expiry_loses_its_part_and_each_patch_moves_the_expiry()
    {
        await using var host = await ApiTestHost.StartAsync(changeSettings: s => s["AGENT_UPLOAD_EXPIRY_HOURS"] = "2");
        using var agent = host.AgentClient(await host.AddAgentAsync("ACME_Paris_Centre"));
        var location = await agent.BeginAsync("sales.dump", 100);
        var expired = await agent.BeginAsync("orders.dump", 100);
        host.Time.Advance(TimeSpan.FromMinutes(90));
        await agent.PatchAsync(location, 0, new byte[10]);
        host.Time.Advance(TimeSpan.FromMinutes(60));
        // serve's loop ticks on the fake clock too; one pass more is harmless.
        await host.App.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ExpiredUploads>().Single().RemoveExpiredAsync(CancellationToken.None);
        Assert.Single(host.StagedFiles("ACME_Paris_Centre"), f => f.StartsWith("sales.dump."));
        Assert.Equal(HttpStatusCode.NotFound, (await agent.SendAsync(new HttpRequestMessage(HttpMethod.Head, expired))).StatusCode);
        Assert.Equal(10, await agent.OffsetAsync(location));
    }

    [Fact]
    public async Task Agent_a_can_neither_see_nor_write_nor_abandon_agent_bs_upload()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var a = host.AgentClient(await host.AddAgentAsync("ACME_Paris_Centre"));
        using var b = host.AgentClient(await host.AddAgentAsync("ACME_Lyon_Nord"));
        var location = await b.BeginAsync("sales.dump", 100);
        await b.PatchAsync(location, 0, new byte[10]);
        Assert.Equal(HttpStatusCode.NotFound, (await a.SendAsync(new HttpRequestMessage(HttpMethod.Head, location))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.PatchAsync(location, 10, new byte[10])).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.DeleteAsync(location)).StatusCode);
        Assert.Equal(10, await b.OffsetAsync(location));
        Assert.Empty(host.StagedFiles("ACME_Paris_Centre"));
    }
}
