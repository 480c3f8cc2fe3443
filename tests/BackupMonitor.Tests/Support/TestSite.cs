using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BackupMonitor.Configuration;
using BackupMonitor.Jobs;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BackupMonitor.Tests.Support;

/// <summary>
/// A real site on disk: a temporary BACKUP_ROOT with its four areas, a real SQLite file, a fake clock,
/// and the scan services built the way the CLI builds them. Disposing deletes everything.
/// </summary>
public sealed class TestSite : IAsyncDisposable
{
    public static readonly DateTime DefaultNow = new(2026, 11, 23, 2, 30, 0, DateTimeKind.Utc);

    private readonly ServiceProvider services;

    public string Root { get; }
    public FakeTimeProvider Time { get; }
    public Settings Settings { get; }
    public CapturedLogs Logs { get; } = new();

    private TestSite(string root, FakeTimeProvider time, Settings settings)
    {
        Root = root;
        Time = time;
        Settings = settings;
        var collection = new ServiceCollection();
        collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        collection.AddBackupMonitorCore(settings, time);
        services = collection.BuildServiceProvider();
    }

    public static async Task<TestSite> CreateAsync(Dictionary<string, string?>? settings = null, DateTime? now = null)
    {
        var root = NewTempFolder();
        var values = TestDatabase.Settings(root);
        values["BACKUP_ROOT"] = root;
        values["SCAN_MIN_FILE_AGE_SECONDS"] = "0";
        foreach (var (key, value) in settings ?? []) values[key] = value;
        var parsed = Settings.From(Settings.BuildConfiguration(values, environment: new Dictionary<string, string?>()));
        parsed.Storage.EnsureStorageAreas();
        var site = new TestSite(root, new FakeTimeProvider(new DateTimeOffset(now ?? DefaultNow)), parsed);
        await using var scope = site.services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().MigrateAsync();
        return site;
    }

    public static string NewTempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "bm-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public DateTime Now => Time.GetUtcNow().UtcDateTime;
    public void SetNow(DateTime utc) => Time.SetUtcNow(new DateTimeOffset(utc));

    public string Staging => Settings.Storage.Staging;
    public string Validated => Settings.Storage.Validated;
    public string Archive => Settings.Storage.Archive;
    public string Quarantine => Settings.Storage.Quarantine;

    // ---- jobs ----

    public async Task<ExpectedBackupJob> AddJobAsync(string agentId, string database, int hour = 2, int minute = 0, int? graceMinutes = null)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<JobRegistry>()
            .AddAsync(new NewJob("ACME", "Paris", "Centre", database, hour, minute, agentId, graceMinutes));
    }

    /// <summary>One job per agent for the same database, in one import (one transaction).</summary>
    public async Task<IReadOnlyList<ExpectedBackupJob>> AddJobsAsync(IEnumerable<string> agentIds, string database)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<JobRegistry>()
            .ImportAsync(agentIds.Select(agentId => (agentId, new NewJob("ACME", "Paris", "Centre", database, 2, 0, agentId))).ToList());
    }

    /// <summary>Runs <paramref name="action"/> with the job registry of a fresh scope (as the CLI or dashboard would).</summary>
    public async Task<T> WithRegistryAsync<T>(Func<JobRegistry, Task<T>> action)
    {
        await using var scope = services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<JobRegistry>());
    }

    public async Task<ExpectedBackupJob> JobAsync(int id)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().Jobs.AsNoTracking().SingleAsync(j => j.Id == id);
    }

    public async Task UpdateJobAsync(int id, Action<ExpectedBackupJob> change)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        change(await db.Jobs.SingleAsync(j => j.Id == id));
        await db.SaveChangesAsync();
    }

    public async Task<List<BackupEntry>> EntriesAsync(int? jobId = null)
    {
        await using var scope = services.CreateAsyncScope();
        var query = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().Entries.AsNoTracking();
        if (jobId is not null) query = query.Where(e => e.ExpectedJobId == jobId);
        return await query.OrderBy(e => e.Id).ToListAsync();
    }

    public async Task<List<ProcessedReport>> ProcessedReportsAsync()
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().ProcessedReports.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
    }

    /// <summary>A fresh service scope (its own DbContext), as one command of one process would have.</summary>
    public AsyncServiceScope CreateScope() => services.CreateAsyncScope();

    // ---- scans ----

    /// <summary>One scan in a fresh service scope (one DbContext), as the CLI runs it.</summary>
    public async Task<ScanSummary> ScanAsync(Action<IServiceProvider>? arrange = null)
    {
        await using var scope = services.CreateAsyncScope();
        arrange?.Invoke(scope.ServiceProvider);
        return await scope.ServiceProvider.GetRequiredService<Scanner>().RunAsync();
    }

    // ---- files ----

    /// <summary>Writes a backup file into staging and returns its lowercase SHA-256.</summary>
    public string WriteBackup(string agentId, string fileName, byte[] content)
    {
        var path = StagedPath(agentId, fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return Sha256(content);
    }

    public string WriteBackup(string agentId, string fileName, string content = "-- dump\n") =>
        WriteBackup(agentId, fileName, Encoding.UTF8.GetBytes(content));

    public string StagedPath(string agentId, string fileName) => Path.Combine(Staging, agentId, "database", fileName);
    public string ReportPath(string agentId, string fileName) => Path.Combine(Staging, agentId, "log", fileName);

    /// <summary>Writes a report; its modification time is set an hour before the fake now, so it has settled.</summary>
    public string WriteReport(string agentId, string text, string fileName = "STATUS.json", TimeSpan? age = null)
    {
        var path = ReportPath(agentId, fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, Now - (age ?? TimeSpan.FromHours(1)));
        return path;
    }

    /// <summary>Writes a report's exact bytes (any encoding); settled like <see cref="WriteReport(string, string, string, TimeSpan?)"/>.</summary>
    public string WriteReportBytes(string agentId, byte[] bytes, string fileName = "STATUS.json")
    {
        var path = ReportPath(agentId, fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, Now - TimeSpan.FromHours(1));
        return path;
    }

    public string WriteReport(string agentId, params JsonObject[] lines) =>
        WriteReport(agentId, ReportJson.Json(agentId, Now, lines));

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static List<string> FilesUnder(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList()
            : [];

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        DeleteFolder(Root);
    }

    public static void DeleteFolder(string folder)
    {
        if (!Directory.Exists(folder)) return;
        if (!OperatingSystem.IsWindows())
            foreach (var dir in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories))
                File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(folder, recursive: true);
    }
}
