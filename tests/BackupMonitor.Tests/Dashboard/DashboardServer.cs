using System.Diagnostics;
using System.Text;
using BackupMonitor.Tests.Api;
using BackupMonitor.Tests.Scale;
using BackupMonitor.Tests.Support;
using Microsoft.Playwright;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>
/// For the browser tests: `backupmonitor demo` builds a sample estate, `backupmonitor serve` runs on it as a real process
/// on a free loopback port, and Debian's Chromium is driven headless by Playwright. No Chromium is a failure, not a skip.
/// </summary>
public sealed class DashboardServer : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    /// <summary>
    /// Three browser test classes start their fixtures in parallel; one of those runs hung for minutes in
    /// Playwright.CreateAsync with no driver process alive. One start at a time, and a hang becomes a failure.
    /// </summary>
    private static readonly SemaphoreSlim BrowserStart = new(1, 1);
    private readonly StringBuilder log = new();
    private Process? server;
    private IPlaywright? playwright;

    public string Folder { get; } = Directory.CreateTempSubdirectory("bm-dash-e2e-").FullName;
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    public string Log { get { lock (log) return log.ToString(); } }

    /// <summary>Screenshots go under the test output (and also to BACKUPMONITOR_SCREENSHOTS when CI names a folder to collect).</summary>
    public static IEnumerable<string> ScreenshotFolders()
    {
        yield return Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        if (Environment.GetEnvironmentVariable("BACKUPMONITOR_SCREENSHOTS") is { Length: > 0 } extra) yield return extra;
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"Chromium is not installed at {ChromiumPath}: the dashboard's browser tests need it. Install it with `apt-get install -y --no-install-recommends chromium`.");

        var data = Path.Combine(Folder, "data");
        var environment = new Dictionary<string, string>
        {
            ["BACKUP_ROOT"] = data,
            ["DATABASE_PROVIDER"] = "sqlite",
            ["DATABASE_CONNECTION_STRING"] = $"Data Source={Path.Combine(data, "backupmonitor.db")}",
            ["API_KEYS"] = ApiTestHost.FullKey,
            ["API_READ_KEYS"] = ApiTestHost.ReadKey,
            ["EMAIL_PICKUP_DIRECTORY"] = Path.Combine(Folder, "mail"),
            ["EMAIL_SENDER"] = "backupmonitor@demo.invalid",
            ["ADMIN_EMAIL_RECIPIENT"] = "admin@demo.invalid",
            ["SCAN_INTERVAL_SECONDS"] = "3600",
            ["SCAN_MIN_FILE_AGE_SECONDS"] = "0",
        };
        var demo = await BackupMonitorProcess.RunAsync(environment, "demo", "--dir", Folder);
        Assert.True(demo.ExitCode == 0, $"demo failed: {demo.Error}");

        var port = Loopback.FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        server = BackupMonitorProcess.Start(environment, "serve", "--urls", BaseUrl);
        server.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        await BackupMonitorProcess.WaitUntilHealthyAsync(server, BaseUrl, () => Log, Deadline);

        (playwright, Browser) = await LaunchChromiumAsync();
    }

    /// <summary>Closes what <see cref="LaunchChromiumAsync"/> opened and stops the `serve` process (killed with its children if still running).</summary>
    public static async Task StopAsync(IBrowser? browser, IPlaywright? playwright, Process? server)
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
        if (server is null) return;
        if (!server.HasExited) server.Kill(entireProcessTree: true);
        await server.WaitForExitAsync();
        server.Dispose();
    }

    /// <summary>Debian's Chromium, headless, driven by Playwright (one start at a time; a hang fails after the deadline).</summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchChromiumAsync()
    {
        await BrowserStart.WaitAsync();
        try
        {
            var playwright = await Playwright.CreateAsync().WaitAsync(Deadline);
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            }).WaitAsync(Deadline);
            return (playwright, browser);
        }
        finally
        {
            BrowserStart.Release();
        }
    }

    /// <summary>A fresh browser profile (no cookies) with a signed-in page.</summary>
    public Task<IPage> SignedInPageAsync(string key, int width = 1280, int height = 900) => SignedInPageAsync(Browser, BaseUrl, key, width, height);

    /// <summary>A fresh browser profile (no cookies) of <paramref name="browser"/> signed in to the dashboard at <paramref name="baseUrl"/>.</summary>
    public static async Task<IPage> SignedInPageAsync(IBrowser browser, string baseUrl, string key, int width = 1280, int height = 900)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl, Locale = "en-GB", ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        Assert.Contains("/signin?ReturnUrl=", page.Url);
        await page.GetByLabel("API key", new() { Exact = true }).FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        Assert.True(new Uri(page.Url).AbsolutePath == "/", $"sign-in ended on {page.Url}:\n{await page.ContentAsync()}");
        return page;
    }

    public static async Task<IReadOnlyList<string>> ScreenshotAsync(IPage page, string name)
    {
        var paths = new List<string>();
        foreach (var folder in ScreenshotFolders())
        {
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, name + ".png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            paths.Add(path);
        }
        return paths;
    }

    public async Task DisposeAsync()
    {
        await StopAsync(Browser, playwright, server);
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
