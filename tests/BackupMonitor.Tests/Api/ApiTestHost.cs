using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackupMonitor.Api;
using BackupMonitor.Hosting;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace BackupMonitor.Tests.Api;

/// <summary>
/// `serve`'s web host on an in-memory server, over a fresh database of the suite's provider and a temporary
/// BACKUP_ROOT, on the fake clock (<see cref="TestClock"/> unless a test brings its own). The background loops are
/// left out unless asked for, so that a test decides when scans run.
/// </summary>
public sealed class ApiTestHost : IAsyncDisposable
{
    public const string FullKey = "full-key-0123456789abcdef";
    public const string ReadKey = "read-key-0123456789abcdef";

    private ApiTestHost(string root, Dictionary<string, string?> settings, FakeTimeProvider time, WebApplication app)
    {
        Root = root;
        SettingValues = settings;
        Time = time;
        App = app;
        Agents = new StagingWriter(Path.Combine(root, "staging"), time);
    }

    public string Root { get; }
    public Dictionary<string, string?> SettingValues { get; }
    public FakeTimeProvider Time { get; }
    public DateTime Now => Time.GetUtcNow().UtcDateTime;

    /// <summary>What the agents leave in this host's staging area.</summary>
    public StagingWriter Agents { get; }
    public WebApplication App { get; }
    public HttpClient Anonymous { get; private set; } = null!;
    public HttpClient Full { get; private set; } = null!;
    public HttpClient Read { get; private set; } = null!;

    public static Dictionary<string, string?> DefaultSettings(string root)
    {
        var settings = TestSettings.For(root);
        settings["API_KEYS"] = FullKey;
        settings["API_READ_KEYS"] = ReadKey;
        return settings;
    }

    public static string NewRoot() => TestSite.NewTempFolder();

    public static async Task<ApiTestHost> StartAsync(
        Action<IServiceCollection>? register = null, FakeTimeProvider? time = null, bool background = false,
        Action<Dictionary<string, string?>>? changeSettings = null, bool prepare = true)
    {
        var root = NewRoot();
        var values = DefaultSettings(root);
        changeSettings?.Invoke(values);
        var settings = TestSettings.Parse(values);
        time ??= TestClock.New();
        var app = ServeHost.Build(settings, time, register is null ? [] : [register], configure: builder =>
        {
            builder.WebHost.UseTestServer();
            if (!background)
            {
                foreach (var loop in builder.Services.Where(d => d.ImplementationType == typeof(ScheduledScans) || d.ImplementationType == typeof(NoticeDeliveryLoop)
                    || d.ImplementationType == typeof(BackupMonitor.Drills.ScheduledDrills)).ToList())
                    builder.Services.Remove(loop);
            }
        });
        if (prepare) await ServeHost.PrepareAsync(app, CancellationToken.None);
        await app.StartAsync();
        var host = new ApiTestHost(root, values, time, app);
        host.Anonymous = app.GetTestClient();
        host.Full = WithKey(app.GetTestClient(), FullKey);
        host.Read = WithKey(app.GetTestClient(), ReadKey);
        return host;
    }

    private static HttpClient WithKey(HttpClient client, string key)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public T Db<T>(Func<BackupMonitorDbContext, T> query)
    {
        using var scope = App.Services.CreateScope();
        return query(scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>());
    }

    /// <summary>A job as POST /api/jobs takes it, expected at <see cref="TestClock.DefaultStart"/>'s hour and minute unless told.</summary>
    public static object JobBody(string database = "sales", string company = "ACME", string city = "Paris", int? hour = null, int? minute = null) => new
    {
        company_name = company,
        city,
        neighborhood = "Centre",
        database_name = database,
        expected_hour_utc = hour ?? TestClock.DefaultStart.Hour,
        expected_minute_utc = minute ?? TestClock.DefaultStart.Minute,
        grace_minutes = 60,
    };

    public async Task<JsonObject> CreateJobAsync(object body)
    {
        var response = await Full.PostAsJsonAsync("/api/jobs", body);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>Runs the CLI in-process on the same settings and clock; returns its stdout.</summary>
    public async Task<string> CliAsync(params string[] args)
    {
        using var cli = new CliHarness(SettingValues, Time);
        return await cli.OkAsync(args);
    }

    public static async Task<JsonDocument> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Anonymous.Dispose();
        Full.Dispose();
        Read.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
