using System.Text;
using System.Text.Json.Nodes;
using BackupMonitor.Notifications;
using BackupMonitor.Notifications.Channels;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ServiceProvider = Microsoft.Extensions.DependencyInjection.ServiceProvider;
using Microsoft.Extensions.Time.Testing;

namespace BackupMonitor.Tests.Notifications;

/// <summary>
/// A temporary BackupMonitor installation driven through the command line in-process (<see cref="CliHarness"/>:
/// real folders, a fresh database, the fake clock), with one agent whose reports and backup files are written the
/// way it writes them.
/// </summary>
public sealed class NotificationTestSite : IDisposable
{
    public const string Agent = "ACME_Paris_Centre";
    private readonly CliHarness cli = new();
    private int reportNumber;

    public NotificationTestSite(IReadOnlyDictionary<string, string?>? emailSettings = null)
    {
        foreach (var (key, value) in emailSettings ?? new Dictionary<string, string?>()) Environment[key] = value;
    }

    public string Folder => cli.Root;

    /// <summary>Infrastructure swapped for every command this site runs (CliContext.Registrations).</summary>
    public List<Action<IServiceCollection>> Registrations => cli.Registrations;
    public FakeTimeProvider Time => cli.Time;
    public Dictionary<string, string?> Environment => cli.Environment;
    public string Staging => cli.Agents.Staging;
    public DateTime Now => Time.GetUtcNow().UtcDateTime;

    public Task<CliHarness.Run> RunAsync(params string[] args) => cli.RunAsync(args);

    /// <summary>Registers a job (made three hours ago) expected one hour ago unless told otherwise.</summary>
    public async Task<int> AddJobAsync(string database, DateTime? expectedUtc = null)
    {
        var expected = expectedUtc ?? Now.AddHours(-1);
        await using var services = await cli.ServicesAsync();
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
    public Task WriteReportAsync(string database, string status, DateTime? operationUtc = null, byte[]? content = null)
    {
        var agent = cli.Agents;
        var operation = operationUtc ?? Now.AddMinutes(-50);
        var fileName = $"{database}_{operation:yyyyMMddHHmmss}.sql.gz";
        content ??= Encoding.UTF8.GetBytes($"-- dump of {database} at {ReportJson.Iso(operation)}\n" + new string('x', 1000));
        JsonObject line;
        switch (status)
        {
            case "failed":
                line = ReportJson.Failed(database, operation, "pg_dump: connection to server refused");
                line["agent_transfer_error_message"] = "Simulated transfer error.";
                break;
            case "transfer_integrity_failed":
                line = ReportJson.IntegrityFailed(database, operation, errorMsg: null, stagedFileName: null);
                break;
            default:
                line = ReportJson.Success(database, operation, fileName, StagingWriter.Sha256(content), content.Length);
                if (status == "hash_mismatch") content[^1] = (byte)'y';
                if (status != "missing") agent.WriteBackup(Agent, fileName, content);
                break;
        }
        line["logs_summary"] = "dump 12 s, gzip 3 s, upload 40 s";
        agent.WriteReport(Agent, ReportJson.Json(Agent, operation, line), $"STATUS-{++reportNumber}.json", age: TimeSpan.FromMinutes(10));
        return Task.CompletedTask;
    }

    public async Task<List<Notice>> NoticesAsync()
    {
        await using var services = await cli.ServicesAsync();
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().Notices.AsNoTracking().OrderBy(n => n.Id).ToListAsync();
    }

    public async Task<List<Delivery>> DeliveriesAsync()
    {
        await using var services = await cli.ServicesAsync();
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().Deliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync();
    }

    /// <summary>Each delivery with its notice and its message as it would be rendered now, oldest first.</summary>
    public async Task<List<(Delivery Delivery, Notice Notice, RenderedNotice Message)>> MessagesAsync()
    {
        await using var services = await cli.ServicesAsync();
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
        await using var services = await cli.ServicesAsync();
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().Entries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    public Task<ServiceProvider> ServicesAsync() => cli.ServicesAsync();

    public void Dispose() => cli.Dispose();
}
