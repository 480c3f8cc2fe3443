using System.Diagnostics;
using System.Text;
using BackupMonitor.Demo;
using BackupMonitor.Persistence;
using BackupMonitor.Hosting;
using BackupMonitor.Tests.Api;
using BackupMonitor.Tests.Dashboard;
using BackupMonitor.Tests.Scale;
using BackupMonitor.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BackupMonitor.Tests.Security;

/// <summary>
/// For the access browser tests: the demo's estate (ACME and Globex, a failing job in each) on the suite's database
/// (SQLite, or PostgreSQL with BACKUPMONITOR_TEST_DATABASE=postgres), scanned by a real `backupmonitor scan`, keys made
/// by `keys add`, a real `serve` process on a free loopback port, and Debian's Chromium (<see cref="DashboardServer"/>'s).
/// </summary>
public sealed class AccessBrowserServer : IAsyncLifetime
{
    public const string Own = "ACME";
    public const string Other = "Globex";
    public const string DestinationSecret = "whsec-browser-never-shown-42";
    public const string UrlToken = "T0KEN-browser-path-8675309";
    /// <summary>Words that name Globex or belong to it only (its company, cities, neighbourhoods, agents, databases, window).</summary>
    public static readonly string[] OtherNames = [Other, "globex", "Marseille", "Vieux Port", "Lille", "Euralille", "ledger", "Globex move"];

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly StringBuilder log = new();
    private Process? server;
    private IPlaywright? playwright;
    private ServiceProvider? services;

    public string Folder { get; } = TestSite.NewTempFolder();
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    public Dictionary<string, string> Environment { get; } = [];
    /// <summary>The keys made by `keys add`: acme-portal (viewer of ACME), acme-ops (operator of ACME), root (admin).</summary>
    public Dictionary<string, string> Keys { get; } = [];
    public string Log { get { lock (log) return log.ToString(); } }

    public async Task InitializeAsync()
    {
        var root = Path.Combine(Folder, "data");
        var values = TestSettings.For(root);
        values["API_KEYS"] = ApiTestHost.FullKey;
        values["API_READ_KEYS"] = ApiTestHost.ReadKey;
        values["EMAIL_PICKUP_DIRECTORY"] = Path.Combine(Folder, "mail");
        values["EMAIL_SENDER"] = "backupmonitor@demo.invalid";
        values["ADMIN_EMAIL_RECIPIENT"] = "admin@demo.invalid";
        values["SCAN_INTERVAL_SECONDS"] = "3600";
        foreach (var (key, value) in values)
            if (value is not null) Environment[key] = value;

        // The demo's jobs and agents' files, on this suite's database (`demo` itself is SQLite only).
        var settings = TestSettings.Parse(values);
        settings.Storage.EnsureStorageAreas();
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddBackupMonitorCore(settings);
        services = collection.BuildServiceProvider();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
            await db.MigrateAsync();
            await DemoSite.BuildAsync(db, settings.Storage.Staging, DateTime.UtcNow, CancellationToken.None);
        }
        await CliAsync("scan");
        Keys["acme-portal"] = (await CliAsync("keys", "add", "--name", "acme-portal", "--role", "viewer", "--company", Own)).Trim();
        Keys["acme-ops"] = (await CliAsync("keys", "add", "--name", "acme-ops", "--role", "operator", "--company", Own)).Trim();
        Keys["root"] = (await CliAsync("keys", "add", "--name", "root", "--role", "admin")).Trim();
        await CliAsync("destinations", "add", "siem", "--kind", "webhook", "--target", $"http://127.0.0.1:9/hooks/{UrlToken}", "--secret", DestinationSecret);
        await CliAsync("routes", "add", "--destination", "siem", "--company", Other);
        await CliAsync("maintenance", "add", "--company", Other, "--from", "2030-01-01T00:00:00Z", "--until", "2030-01-02T00:00:00Z", "--reason", "Globex move");
        await CliAsync("maintenance", "add", "--company", Own, "--from", "2030-01-01T00:00:00Z", "--until", "2030-01-02T00:00:00Z", "--reason", "ACME move");

        BaseUrl = $"http://127.0.0.1:{Loopback.FreePort()}";
        server = BackupMonitorProcess.Start(Environment, "serve", "--urls", BaseUrl);
        server.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        await BackupMonitorProcess.WaitUntilHealthyAsync(server, BaseUrl, () => Log, Deadline);
        (playwright, Browser) = await DashboardServer.LaunchChromiumAsync();
    }

    /// <summary>Runs `backupmonitor ARGS` on this estate; fails the test with its stderr when it exits non-zero.</summary>
    public async Task<string> CliAsync(params string[] args)
    {
        var result = await BackupMonitorProcess.RunAsync(Environment, args);
        Assert.True(result.ExitCode == 0, $"backupmonitor {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}");
        return result.Output;
    }

    public T Db<T>(Func<BackupMonitorDbContext, T> query)
    {
        using var scope = services!.CreateScope();
        return query(scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>());
    }

    /// <summary>The id of the demo's job of this database.</summary>
    public int Job(string database) => Db(db => db.Jobs.AsNoTracking().Single(j => j.DatabaseName == database).Id);

    public Task<IPage> SignedInPageAsync(string key) => DashboardServer.SignedInPageAsync(Browser, BaseUrl, key);

    public async Task DisposeAsync()
    {
        await DashboardServer.StopAsync(Browser, playwright, server);
        if (services is not null) await services.DisposeAsync();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
