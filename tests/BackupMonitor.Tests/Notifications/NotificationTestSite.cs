using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BackupMonitor.Cli;
using BackupMonitor.Notifications;
using BackupMonitor.Notifications.Channels;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ServiceProvider = Microsoft.Extensions.DependencyInjection.ServiceProvider;
using Microsoft.Extensions.Time.Testing;

namespace BackupMonitor.Tests.Notifications;

/// <summary>
/// A temporary BackupMonitor installation (real folders, real SQLite file) driven through the command line
/// in-process, with a fake clock. Reports and backup files are written the way an agent writes them.
/// </summary>
public sealed class NotificationTestSite : IDisposable
{
    public const string Agent = "ACME_Paris_Centre";
    private int reportNumber;

    public NotificationTestSite(IReadOnlyDictionary<string, string?>? emailSettings = null)
    {
        Folder = Directory.CreateTempSubdirectory("bm-notify-").FullName;
        var now = DateTime.UtcNow;
        Time = new FakeTimeProvider(new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero));
        Environment = TestDatabase.Settings(Path.Combine(Folder, "data"));
        Environment["BACKUP_ROOT"] = Path.Combine(Folder, "data");
        Environment["SCAN_MIN_FILE_AGE_SECONDS"] = "0";
        foreach (var (key, value) in emailSettings ?? new Dictionary<string, string?>()) Environment[key] = value;
    }

    public string Folder { get; }

    /// <summary>Infrastructure swapped for every command this site runs (CliContext.Registrations).</summary>
    public List<Action<IServiceCollection>> Registrations { get; } = [];
    public FakeTimeProvider Time { get; }
    public Dictionary<string, string?> Environment { get; }
    public string Staging => Path.Combine(Folder, "data", "staging");
    public DateTime Now => Time.GetUtcNow().UtcDateTime;

    public sealed record Run(int ExitCode, string Out, string Err)
    {
        public string All => Out + "\n" + Err;
    }

    public async Task<Run> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(output, error, Environment, Time);
        context.Registrations.AddRange(Registrations);
        var exit = await CliApp.RunAsync(args, context);
        return new Run(exit, output.ToString(), error.ToString());
    }

    /// <summary>Registers a job (made three hours ago) expected one hour ago unless told otherwise.</summary>
    public async Task<int> AddJobAsync(string database, DateTime? expectedUtc = null)
    {
        var expected = expectedUtc ?? Now.AddHours(-1);
        await using var services = await Context().StartAsync(CancellationToken.None);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        var job = new ExpectedBackupJob
        {
            CompanyName = "ACME", City = "Paris", Neighborhood = "Centre", DatabaseName = database, AgentIdResponsible = Agent,
            ExpectedHourUtc = expected.Hour, ExpectedMinuteUtc = expected.Minute, GraceMinutes = 60, CreatedAtUtc = Now.AddHours(-3),
        };
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return job.Id;
    }

    /// <summary>
    /// Writes one report line (and, for a success or a hash mismatch, the staged file) as the agent would.
    /// status: success | failed | transfer_integrity_failed | hash_mismatch (a success whose file was corrupted) | missing (a success whose file never arrived).
    /// </summary>
    public async Task WriteReportAsync(string database, string status, DateTime? operationUtc = null, byte[]? content = null)
    {
        var operation = operationUtc ?? Now.AddMinutes(-50);
        var stamp = operation.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var fileName = $"{database}_{operation:yyyyMMddHHmmss}.sql.gz";
        content ??= Encoding.UTF8.GetBytes($"-- dump of {database} at {stamp}\n" + new string('x', 1000));
        var line = new JsonObject
        {
            ["db_name"] = database,
            ["operation_timestamp_utc"] = stamp,
            ["logs_summary"] = "dump 12 s, gzip 3 s, upload 40 s",
        };
        switch (status)
        {
            case "failed":
                line["status"] = "failed";
                line["error_msg"] = "pg_dump: connection to server refused";
                line["agent_transfer_error_message"] = "Simulated transfer error.";
                break;
            case "transfer_integrity_failed":
                line["status"] = "transfer_integrity_failed";
                line["agent_transfer_error_message"] = "checksum after upload differs";
                break;
            default:
                line["status"] = "success";
                line["staged_file_name"] = fileName;
                line["size_bytes"] = content.Length;
                line["hash_sha256"] = Convert.ToHexStringLower(SHA256.HashData(content));
                if (status == "hash_mismatch") content[^1] = (byte)'y';
                if (status != "missing")
                {
                    var folder = Directory.CreateDirectory(Path.Combine(Staging, Agent, "database")).FullName;
                    await File.WriteAllBytesAsync(Path.Combine(folder, fileName), content);
                }
                break;
        }
        var report = new JsonObject { ["agent_id"] = Agent, ["report_timestamp_utc"] = stamp, ["databases"] = new JsonArray(line) };
        var logFolder = Directory.CreateDirectory(Path.Combine(Staging, Agent, "log")).FullName;
        var path = Path.Combine(logFolder, $"STATUS-{++reportNumber}.json");
        await File.WriteAllTextAsync(path, report.ToJsonString());
        File.SetLastWriteTimeUtc(path, Now.AddMinutes(-10));
    }

    public async Task<List<Notice>> NoticesAsync()
    {
        await using var services = await Context().StartAsync(CancellationToken.None);
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().Notices.AsNoTracking().OrderBy(n => n.Id).ToListAsync();
    }

    public async Task<List<Delivery>> DeliveriesAsync()
    {
        await using var services = await Context().StartAsync(CancellationToken.None);
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().Deliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync();
    }

    /// <summary>Each delivery with its notice and its message as it would be rendered now, oldest first.</summary>
    public async Task<List<(Delivery Delivery, Notice Notice, RenderedNotice Message)>> MessagesAsync()
    {
        await using var services = await Context().StartAsync(CancellationToken.None);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        var renderer = scope.ServiceProvider.GetRequiredService<NoticeRenderer>();
        var result = new List<(Delivery, Notice, RenderedNotice)>();
        foreach (var delivery in await db.Deliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync())
        {
            var notice = await db.Notices.AsNoTracking().SingleAsync(n => n.Id == delivery.NoticeId);
            var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == notice.ExpectedJobId);
            var entry = await db.Entries.AsNoTracking().SingleAsync(e => e.Id == notice.BackupEntryId);
            result.Add((delivery, notice, renderer.Render(notice, job, entry)));
        }
        return result;
    }

    public async Task<List<BackupEntry>> EntriesAsync()
    {
        await using var services = await Context().StartAsync(CancellationToken.None);
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().Entries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    public async Task<ServiceProvider> ServicesAsync() => await Context().StartAsync(CancellationToken.None);

    private CliContext Context()
    {
        var context = new CliContext(TextWriter.Null, TextWriter.Null, Environment, Time);
        context.Registrations.AddRange(Registrations);
        return context;
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
