using System.Text.Json;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using BackupMonitor.Tests.Notifications;

namespace BackupMonitor.Tests.Drills;

/// <summary>
/// A BackupMonitor installation (<see cref="NotificationTestSite"/>: the command line in-process, real folders, a fresh
/// database of the suite's provider) whose backups are validated by a real scan and then drilled with `drills run`.
/// </summary>
public sealed class DrillSite : IDisposable
{
    public DrillSite(string? drillServer = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        Site = new NotificationTestSite(settings);
        if (drillServer is null) return;
        Site.Environment["DRILL_POSTGRES_CONNECTION_STRING"] = drillServer;
        Task.Run(StartDrillIdsApartAsync).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Every site of the suite has a fresh database whose drills would start at id 1, and they share one drill server
    /// where drill 1's database is `bm_drill_1` (SPEC §13): a database an earlier site's killed drill left there, which
    /// this site's leftover sweep rightly does not know, would meet it. So each site's drill ids start at a random
    /// offset, as two installations' would if they shared a drill server (the README asks for one per installation).
    /// </summary>
    private async Task StartDrillIdsApartAsync()
    {
        await using var services = await Site.ServicesAsync();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        var start = Random.Shared.Next(1, 2_000_000) * 1_000;
        await db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql()
            ? $"SELECT setval(pg_get_serial_sequence('drills', 'id'), {start})"
            : $"INSERT INTO sqlite_sequence (name, seq) VALUES ('drills', {start})");
    }

    public NotificationTestSite Site { get; }

    /// <summary>Registers a job, has its agent ship <paramref name="file"/> and scans: the file is a validated backup. Returns the job id.</summary>
    public async Task<int> ValidatedBackupAsync(string database, string file, DateTime? operationUtc = null)
    {
        var job = await Site.AddJobAsync(database);
        await Site.WriteReportAsync(database, "success", operationUtc, await File.ReadAllBytesAsync(file));
        var scan = await Site.RunAsync("scan");
        Assert.Equal(0, scan.ExitCode);
        var entry = (await Site.EntriesAsync()).Last(e => e.ExpectedJobId == job);
        Assert.True(entry.ValidatedPath is not null, $"the backup was not validated: {entry.Status} {entry.ErrorMessage}");
        return job;
    }

    /// <summary>`drills run [--job ID] --format json`, which must exit 0: its drills.</summary>
    public async Task<List<JsonElement>> RunDrillsAsync(int? job = null)
    {
        string[] args = job is { } id ? ["drills", "run", "--job", id.ToString(), "--format", "json"] : ["drills", "run", "--format", "json"];
        var run = await Site.RunAsync(args);
        Assert.True(run.ExitCode == 0, $"drills run exited {run.ExitCode}: {run.Err}");
        using var document = JsonDocument.Parse(run.Out);
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    public async Task<JsonElement> RunDrillAsync(int job) => Assert.Single(await RunDrillsAsync(job));

    public static (string? Status, int? Tables, long? Rows) Outcome(JsonElement drill) => (
        drill.GetProperty("status").GetString(),
        drill.GetProperty("tables").ValueKind == JsonValueKind.Null ? null : drill.GetProperty("tables").GetInt32(),
        drill.GetProperty("rows").ValueKind == JsonValueKind.Null ? null : drill.GetProperty("rows").GetInt64());

    public static string Detail(JsonElement drill) => drill.GetProperty("detail").GetString() ?? "";

    public void Dispose() => Site.Dispose();
}
