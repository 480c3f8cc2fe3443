using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BackupMonitor.Api;
using BackupMonitor.Cli;
using BackupMonitor.Configuration;

namespace BackupMonitor.Tests.Api;

public sealed class ApiKeyTests
{
    [Theory]
    [InlineData("/api/jobs")]
    [InlineData("/api/jobs/1")]
    [InlineData("/api/jobs/1/entries")]
    [InlineData("/api/notifications")]
    [InlineData("/metrics")]
    public async Task Keyed_routes_answer_401_problem_without_a_key(string path)
    {
        await using var host = await ApiTestHost.StartAsync();
        var response = await host.Anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        using var problem = await ApiTestHost.ProblemAsync(response);
        Assert.Contains("Authorization: Bearer", problem.RootElement.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("Bearer", "not-the-key-0123456789")]
    [InlineData("Bearer", ApiTestHost.FullKey + "x")]
    [InlineData("Basic", ApiTestHost.FullKey)]
    public async Task A_wrong_key_or_scheme_is_401(string scheme, string key)
    {
        await using var host = await ApiTestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/jobs");
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, key);
        var response = await host.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var problem = await ApiTestHost.ProblemAsync(response);
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_wrong_key_is_401_on_writes_too()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/scans");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-key-0123456789abcdef");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous.SendAsync(request)).StatusCode);
        Assert.Equal(0, host.Db(db => db.ScanRuns.Count()));
    }

    [Theory]
    [InlineData("/api/jobs")]
    [InlineData("/api/notifications")]
    [InlineData("/metrics")]
    public async Task A_read_key_may_get(string path)
    {
        await using var host = await ApiTestHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.Read.GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData("POST", "/api/jobs")]
    [InlineData("PUT", "/api/jobs/{id}")]
    [InlineData("DELETE", "/api/jobs/{id}")]
    [InlineData("POST", "/api/scans")]
    public async Task A_read_key_on_a_write_is_403_and_changes_nothing(string method, string path)
    {
        await using var host = await ApiTestHost.StartAsync();
        var job = await host.CreateJobAsync(ApiTestHost.JobBody());
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", job["id"]!.ToString()));
        if (method != "DELETE") request.Content = JsonContent.Create(ApiTestHost.JobBody("other"));
        var response = await host.Read.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var problem = await ApiTestHost.ProblemAsync(response);
        Assert.Contains("read-only", problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal(1, host.Db(db => db.Jobs.Count(j => j.IsActive && j.DatabaseName == "sales")));
        Assert.Equal(0, host.Db(db => db.ScanRuns.Count()));
    }

    [Fact]
    public async Task Health_and_the_openapi_document_need_no_key()
    {
        await using var host = await ApiTestHost.StartAsync();
        var health = await host.Anonymous.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", (await health.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["status"]);
        var openApi = await host.Anonymous.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/jobs/{id}/entries", openApi);
        Assert.Contains("/api/scans", openApi);
    }

    [Fact]
    public void Settings_without_keys_are_allowed_since_the_database_may_hold_keys()
    {
        // serve checks once the database is open (Serve_command_without_keys_exits_1_with_one_line; KeysCommandsTests).
        var settings = TestSettings.Parse(new Dictionary<string, string?> { ["BACKUP_ROOT"] = Path.GetTempPath() });
        Assert.True(ApiKeys.From(settings).IsEmpty);
        Assert.StartsWith("API_KEYS: serve needs at least one API key", ApiKeys.NoKeyMessage);
    }

    [Fact]
    public async Task Serve_command_without_keys_exits_1_with_one_line()
    {
        using var cli = new CliHarness();
        var root = cli.DataRoot;
        cli.Environment.Clear();
        cli.Environment["BACKUP_ROOT"] = root;
        var run = await cli.RunAsync("serve", "--urls", "http://127.0.0.1:0");
        Assert.Equal(CliApp.Failed, run.ExitCode);
        var line = Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: API_KEYS:", line);
    }

    [Fact]
    public void Short_keys_are_refused_without_showing_them()
    {
        var settings = TestSettings.Parse(
            new Dictionary<string, string?> { ["BACKUP_ROOT"] = Path.GetTempPath(), ["API_READ_KEYS"] = "short-secret" });
        var error = Assert.Throws<SettingsException>(() => ApiKeys.From(settings));
        Assert.StartsWith("API_READ_KEYS:", error.Message);
        Assert.DoesNotContain("short-secret", error.Message);
    }

    [Fact]
    public void Keys_give_full_or_read_access_and_a_key_in_both_lists_is_full()
    {
        var settings = TestSettings.Parse(new Dictionary<string, string?>
        {
            ["BACKUP_ROOT"] = Path.GetTempPath(),
            ["API_KEYS"] = "aaaaaaaaaaaaaaaa1, both-lists-0123456789",
            ["API_READ_KEYS"] = "rrrrrrrrrrrrrrrr1,both-lists-0123456789",
        });
        var keys = ApiKeys.From(settings);
        Assert.Equal(ApiAccess.Full, keys.Check("aaaaaaaaaaaaaaaa1"));
        Assert.Equal(ApiAccess.Read, keys.Check("rrrrrrrrrrrrrrrr1"));
        Assert.Equal(ApiAccess.Full, keys.Check("both-lists-0123456789"));
        Assert.Null(keys.Check("aaaaaaaaaaaaaaaa"));
        Assert.Null(keys.Check(""));
    }
}
