using BackupMonitor.Hosting;
using System.Text.Json.Nodes;
using BackupMonitor.Configuration;
using BackupMonitor.Faults;
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
/// A real site on disk: a temporary BACKUP_ROOT with its four areas, a fresh database of the suite's provider,
/// the fake clock, captured logs, and the scan services built the way the CLI builds them. Disposing deletes everything.
/// </summary>
public sealed class TestSite : IAsyncDisposable
{
    private readonly ServiceProvider services;

    public string Root { get; }
    public FakeTimeProvider Time { get; }
    public Settings Settings { get; }
    public TestLogs Logs { get; } = new();

    /// <summary>This site's test seams (the product's are built from the environment); a scan's hooks last for that scan.</summary>
    public FaultPoints Faults { get; } = new();

    /// <summary>What the agents leave in this site's staging area.</summary>
    public StagingWriter Agents { get; }

    private TestSite(string root, FakeTimeProvider time, Settings settings, Action<IServiceCollection>? replace)
    {
        Root = root;
        Time = time;
        Settings = settings;
        Agents = new StagingWriter(settings.Storage.Staging, time);
        var collection = new ServiceCollection();
        collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs.Provider()));
        collection.AddBackupMonitorCore(settings, time);
        collection.AddSingleton(Faults);
        replace?.Invoke(collection);
        services = collection.BuildServiceProvider();
    }

    /// <param name="replace">Swaps services after the CLI's registrations (options no setting reaches, test seams).</param>
    public static async Task<TestSite> CreateAsync(Dictionary<string, string?>? settings = null, DateTime? now = null, Action<IServiceCollection>? replace = null)
    {
        var root = NewTempFolder();
        var values = TestSettings.For(root);
        foreach (var (key, value) in settings ?? []) values[key] = value;
        var parsed = TestSettings.Parse(values);
        parsed.Storage.EnsureStorageAreas();
        var site = new TestSite(root, TestClock.New(now), parsed, replace);
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
        try
        {
            return await scope.ServiceProvider.GetRequiredService<Scanner>().RunAsync();
        }
        finally
        {
            (Faults.BeforeCommit, Faults.AfterCommit) = (null, null);
        }
    }

    // ---- files (written by <see cref="Agents"/>) ----

    public string WriteBackup(string agentId, string fileName, byte[] content) => Agents.WriteBackup(agentId, fileName, content);
    public string WriteBackup(string agentId, string fileName, string content = "-- dump\n") => Agents.WriteBackup(agentId, fileName, content);
    public string StagedPath(string agentId, string fileName) => Agents.StagedPath(agentId, fileName);
    public string ReportPath(string agentId, string fileName) => Agents.ReportPath(agentId, fileName);
    public string WriteReport(string agentId, string text, string fileName = "STATUS.json", TimeSpan? age = null) => Agents.WriteReport(agentId, text, fileName, age);
    public string WriteReportBytes(string agentId, byte[] bytes, string fileName = "STATUS.json") => Agents.WriteReportBytes(agentId, bytes, fileName);
    public string WriteReport(string agentId, params JsonObject[] lines) => Agents.WriteReport(agentId, lines);
    public static string Sha256(byte[] content) => StagingWriter.Sha256(content);

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
