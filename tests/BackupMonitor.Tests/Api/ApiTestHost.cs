using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackupMonitor.Api;
using BackupMonitor.Cli;
using BackupMonitor.Configuration;
using BackupMonitor.Hosting;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BackupMonitor.Tests.Api;

/// <summary>
/// `serve`'s web host on an in-memory server, over a real SQLite file in a temporary folder. The background
/// loops are left out unless asked for, so that a test decides when scans run.
/// </summary>
public sealed class ApiTestHost : IAsyncDisposable
{
    public const string FullKey = "full-key-0123456789abcdef";
    public const string ReadKey = "read-key-0123456789abcdef";

    private ApiTestHost(string root, Dictionary<string, string?> settings, WebApplication app)
    {
        Root = root;
        SettingValues = settings;
        App = app;
    }

    public string Root { get; }
    public Dictionary<string, string?> SettingValues { get; }
    public WebApplication App { get; }
    public HttpClient Anonymous { get; private set; } = null!;
    public HttpClient Full { get; private set; } = null!;
    public HttpClient Read { get; private set; } = null!;

    public static Dictionary<string, string?> DefaultSettings(string root)
    {
        var settings = TestDatabase.Settings(root);
        settings["BACKUP_ROOT"] = root;
        settings["SCAN_MIN_FILE_AGE_SECONDS"] = "0";
        settings["API_KEYS"] = FullKey;
        settings["API_READ_KEYS"] = ReadKey;
        return settings;
    }

    public static string NewRoot() => Directory.CreateTempSubdirectory("bm-api-").FullName;

    public static async Task<ApiTestHost> StartAsync(
        Action<IServiceCollection>? register = null, TimeProvider? time = null, bool background = false,
        Action<Dictionary<string, string?>>? changeSettings = null, bool prepare = true)
    {
        var root = NewRoot();
        var values = DefaultSettings(root);
        changeSettings?.Invoke(values);
        var settings = Settings.From(Settings.BuildConfiguration(values, new Dictionary<string, string?>()));
        var app = ServeHost.Build(settings, time ?? TimeProvider.System, register is null ? [] : [register], configure: builder =>
        {
            builder.WebHost.UseTestServer();
            if (!background)
            {
                foreach (var loop in builder.Services.Where(d => d.ImplementationType == typeof(ScheduledScans) || d.ImplementationType == typeof(NoticeDeliveryLoop)).ToList())
                    builder.Services.Remove(loop);
            }
        });
        if (prepare) await ServeHost.PrepareAsync(app, CancellationToken.None);
        await app.StartAsync();
        var host = new ApiTestHost(root, values, app);
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

    public static object JobBody(string database = "sales", string company = "ACME", string city = "Paris", int? hour = null, int? minute = null) => new
    {
        company_name = company,
        city,
        neighborhood = "Centre",
        database_name = database,
        expected_hour_utc = hour ?? DateTime.UtcNow.Hour,
        expected_minute_utc = minute ?? DateTime.UtcNow.Minute,
        grace_minutes = 60,
    };

    public async Task<JsonObject> CreateJobAsync(object body)
    {
        var response = await Full.PostAsJsonAsync("/api/jobs", body);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>Writes what an agent ships after a good backup: the file and a STATUS report naming its hash.</summary>
    public static void StageSuccessfulBackup(string root, string agent, string database, DateTime operationUtc)
    {
        var staging = Path.Combine(root, "staging", agent);
        Directory.CreateDirectory(Path.Combine(staging, "database"));
        Directory.CreateDirectory(Path.Combine(staging, "log"));
        var content = Encoding.UTF8.GetBytes($"-- dump of {database}\n" + new string('x', 1000));
        var fileName = $"{database}_{operationUtc:yyyyMMddHHmm}.sql.gz";
        File.WriteAllBytes(Path.Combine(staging, "database", fileName), content);
        var report = new JsonObject
        {
            ["agent_id"] = agent,
            ["report_timestamp_utc"] = operationUtc.AddMinutes(1).ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["databases"] = new JsonArray(new JsonObject
            {
                ["db_name"] = database,
                ["status"] = "success",
                ["operation_timestamp_utc"] = operationUtc.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                ["staged_file_name"] = fileName,
                ["hash_sha256"] = Convert.ToHexStringLower(SHA256.HashData(content)),
                ["size_bytes"] = content.Length,
            }),
        };
        var path = Path.Combine(staging, "log", $"STATUS_{database}_{operationUtc:yyyyMMddHHmm}.json");
        File.WriteAllText(path, report.ToJsonString());
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-10));
    }

    /// <summary>Runs the CLI in-process on the same settings; returns its stdout.</summary>
    public async Task<string> CliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliContext(output, error, SettingValues, TimeProvider.System));
        Assert.True(code == CliApp.Done, error.ToString());
        return output.ToString();
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
