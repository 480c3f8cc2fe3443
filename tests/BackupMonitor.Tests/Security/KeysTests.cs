using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BackupMonitor.Tests.Api;
using BackupMonitor.Tests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Tests.Security;

/// <summary>Keys in the database (SPEC §11): `keys add/list/revoke` and `/api/keys`; printed once, stored as a fingerprint, names unique.</summary>
public sealed class KeysTests
{
    [Fact]
    public async Task Keys_add_prints_the_key_once_stores_only_its_fingerprint_and_list_never_shows_it()
    {
        await using var host = await ApiTestHost.StartAsync();
        var key = (await host.CliAsync("keys", "add", "--name", "acme-portal", "--role", "viewer", "--company", "ACME", "--company", "Globex")).Trim();
        Assert.Matches("^bmk_[A-Za-z0-9_-]{43}$", key);

        var stored = host.Db(db => db.AccessKeys.AsNoTracking().Single(k => k.Name == "acme-portal"));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))), stored.Fingerprint);
        var listed = await host.CliAsync("keys", "list", "--format", "json");
        Assert.DoesNotContain(key, listed);
        Assert.DoesNotContain(stored.Fingerprint, listed);
        var view = Assert.Single(JsonDocument.Parse(listed).RootElement.EnumerateArray());
        Assert.Equal("viewer", view.GetProperty("role").GetString());
        Assert.Equal(["ACME", "Globex"], view.GetProperty("companies").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(JsonValueKind.Null, view.GetProperty("last_used_at_utc").ValueKind);

        // The key works, and its use is recorded.
        using var client = host.App.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/jobs")).StatusCode);
        Assert.NotNull(host.Db(db => db.AccessKeys.AsNoTracking().Single(k => k.Name == "acme-portal").LastUsedAtUtc));
    }

    [Fact]
    public async Task Keys_add_refuses_a_taken_name_and_an_admin_key_with_companies_and_revoke_stops_the_key()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var cli = new CliHarness(host.SettingValues, host.Time);
        await cli.OkAsync("keys", "add", "--name", "noc", "--role", "operator");
        var taken = await cli.RunAsync("keys", "add", "--name", "noc", "--role", "viewer");
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("a key named 'noc' already exists", taken.Err);
        var admin = await cli.RunAsync("keys", "add", "--name", "boss", "--role", "admin", "--company", "ACME");
        Assert.Equal(1, admin.ExitCode);
        Assert.Contains("an admin key sees every company", admin.Err);
        Assert.Equal(1, host.Db(db => db.AccessKeys.Count()));

        var id = host.Db(db => db.AccessKeys.Single().Id);
        Assert.Contains($"Key {id} 'noc' revoked.", await cli.OkAsync("keys", "revoke", id.ToString()));
        Assert.NotEqual(JsonValueKind.Null, JsonDocument.Parse(await cli.OkAsync("keys", "list", "--format", "json")).RootElement[0].GetProperty("revoked_at_utc").ValueKind);
        Assert.Equal(1, (await cli.RunAsync("keys", "revoke", "999")).ExitCode);
    }

    [Fact]
    public async Task Post_api_keys_answers_the_key_once_and_get_never_shows_it()
    {
        await using var host = await ApiTestHost.StartAsync();
        var response = await host.Full.PostAsJsonAsync("/api/keys", new { name = "portal", role = "viewer", companies = new[] { "ACME" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var made = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var key = made.GetProperty("key").GetString()!;
        Assert.StartsWith("bmk_", key);
        Assert.Equal($"/api/keys/{made.GetProperty("id").GetInt32()}", response.Headers.Location!.OriginalString);
        var listed = await host.Full.GetStringAsync("/api/keys");
        Assert.Contains("\"portal\"", listed);
        Assert.DoesNotContain(key, listed);
        Assert.Equal(HttpStatusCode.Conflict, (await host.Full.PostAsJsonAsync("/api/keys", new { name = "portal", role = "viewer" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Full.PostAsJsonAsync("/api/keys", new { name = "x", role = "root" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Full.DeleteAsync($"/api/keys/{made.GetProperty("id").GetInt32()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Full.DeleteAsync("/api/keys/999")).StatusCode);
    }
}
