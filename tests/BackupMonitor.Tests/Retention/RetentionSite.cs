using System.Text;
using BackupMonitor.Persistence;
using BackupMonitor.Retention;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Retention;

/// <summary>
/// A real site with validated backups already there: one file per night under validated storage and its `success`
/// entry, as the scan leaves them (seeded directly: the scan has tests of its own). Now is 03:00 UTC the morning
/// after the newest backup.
/// </summary>
public sealed class RetentionSite : IAsyncDisposable
{
    public static readonly DateTime LastNight = new(2026, 12, 4, 2, 10, 0, DateTimeKind.Utc);

    public TestSite Site { get; }

    private RetentionSite(TestSite site) => Site = site;

    public static async Task<RetentionSite> CreateAsync(Dictionary<string, string?>? settings = null) =>
        new(await TestSite.CreateAsync(settings, LastNight.Date.AddDays(1).AddHours(3)));

    public string Validated => Site.Validated;
    public string Trash => Site.Settings.Storage.Trash;

    /// <summary>A job with <paramref name="nights"/> nightly validated backups (the newest last night), status ok.</summary>
    public async Task<ExpectedBackupJob> AddJobWithBackupsAsync(string agentId, int nights, string database = "sales") =>
        (await AddJobsWithBackupsAsync([agentId], nights, database)).Single();

    /// <summary>One job per agent (one import), each with <paramref name="nights"/> nightly validated backups, all ok.</summary>
    public async Task<IReadOnlyList<ExpectedBackupJob>> AddJobsWithBackupsAsync(IReadOnlyList<string> agentIds, int nights, string database = "sales")
    {
        var jobs = await Site.AddJobsAsync(agentIds, database);
        await using var scope = Site.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        foreach (var job in jobs)
            for (var night = nights - 1; night >= 0; night--)
            {
                var at = LastNight.AddDays(-night);
                var content = Encoding.UTF8.GetBytes($"-- dump of {job.AgentIdResponsible}/{database} at {at:O}\n" + new string('x', 100 + night));
                var relative = BackupMonitor.Files.StorageLayout.BackupRelativePath(job.AgentIdResponsible, database, at, $"{database}.sql.gz");
                var path = BackupMonitor.Files.StorageLayout.Absolute(Validated, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, content);
                var hash = TestSite.Sha256(content);
                db.Entries.Add(new BackupEntry
                {
                    ExpectedJobId = job.Id, Status = BackupEntryStatus.Success, AgentReportTimestampUtc = at, AgentStagedFileName = $"{database}.sql.gz",
                    AgentReportedHashSha256 = hash, AgentReportedSizeBytes = content.Length, ServerCalculatedStagedHash = hash,
                    ServerCalculatedStagedSize = content.Length, HashComparisonResult = false, ValidatedPath = relative, CreatedAtUtc = at.AddMinutes(5),
                });
            }
        await db.SaveChangesAsync();
        var ids = jobs.Select(j => j.Id).ToList();
        await db.Jobs.Where(j => ids.Contains(j.Id)).ExecuteUpdateAsync(set => set
            .SetProperty(j => j.CurrentStatus, JobStatus.Ok).SetProperty(j => j.LastSuccessfulBackupUtc, LastNight)
            .SetProperty(j => j.LastCheckedAtUtc, LastNight.AddMinutes(5)));
        return await db.Jobs.AsNoTracking().Where(j => ids.Contains(j.Id)).OrderBy(j => j.Id).ToListAsync();
    }

    public async Task SetPolicyAsync(int jobId, string policy)
    {
        await using var scope = Site.CreateScope();
        await scope.ServiceProvider.GetRequiredService<RetentionPolicies>().SetAsync(jobId, null, policy, CancellationToken.None);
    }

    public async Task<List<JobRetentionPlan>> PlanAsync(int? jobId = null)
    {
        await using var scope = Site.CreateScope();
        var plans = new List<JobRetentionPlan>();
        await foreach (var plan in scope.ServiceProvider.GetRequiredService<RetentionPlanner>().PlanAsync(jobId, null, null)) plans.Add(plan);
        return plans;
    }

    public async Task<RetentionRunSummary> ApplyAsync(Action<string>? afterStep = null, int? maxPrunePercent = null)
    {
        await using var scope = Site.CreateScope();
        Site.Faults.AfterRetentionStep = afterStep;
        try
        {
            return await scope.ServiceProvider.GetRequiredService<RetentionApplier>().ApplyAsync(maxPrunePercent, null, CancellationToken.None);
        }
        finally
        {
            Site.Faults.AfterRetentionStep = null;
        }
    }

    public async Task<string> RestoreAsync(int entryId, Action<string>? afterStep = null)
    {
        await using var scope = Site.CreateScope();
        Site.Faults.AfterRetentionStep = afterStep;
        try
        {
            return await scope.ServiceProvider.GetRequiredService<RetentionRestore>().RestoreAsync(entryId, CancellationToken.None);
        }
        finally
        {
            Site.Faults.AfterRetentionStep = null;
        }
    }

    /// <summary>Every file of validated storage and the trash, relative path → content.</summary>
    public Dictionary<string, byte[]> Files(string area) =>
        TestSite.FilesUnder(area).ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(area, f)));

    public ValueTask DisposeAsync() => Site.DisposeAsync();
}
