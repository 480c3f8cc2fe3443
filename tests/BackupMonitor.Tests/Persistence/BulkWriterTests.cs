using System.Data.Common;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Tests.Persistence;

/// <summary>
/// BulkWriter (the scan's batch commit) must store exactly what SaveChanges stores. On SQLite it binds values by index
/// through SQLitePCL instead of Microsoft.Data.Sqlite's parameters, so each column's stored type and value are compared
/// with SaveChanges' on two databases, on every provider the suite runs on.
/// </summary>
public sealed class BulkWriterTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bm-bulk-").FullName;

    [Fact]
    public async Task Inserted_and_updated_rows_are_stored_as_SaveChanges_stores_them()
    {
        await using var saved = await OpenAsync("saved");
        await using var bulk = await OpenAsync("bulk");

        var savedJob = NewJob();
        saved.Jobs.Add(savedJob);
        await saved.SaveChangesAsync();
        var bulkJob = NewJob();
        await using (var transaction = await bulk.Database.BeginTransactionAsync())
        {
            await bulk.InsertAsync([bulkJob], CancellationToken.None);
            await transaction.CommitAsync();
        }
        Assert.Equal(savedJob.Id, bulkJob.Id);

        var savedEntries = Entries(savedJob.Id);
        saved.Entries.AddRange(savedEntries);
        await saved.SaveChangesAsync();
        var bulkEntries = Entries(bulkJob.Id);
        var notices = bulkEntries.Take(2).Select(e => new Notice { ExpectedJobId = bulkJob.Id, Kind = NoticeKind.Alert, JobStatus = JobStatus.Failed, PreviousJobStatus = JobStatus.Ok, CreatedAtUtc = Moment }).ToList();
        await using (var transaction = await bulk.Database.BeginTransactionAsync())
        {
            await bulk.InsertAsync(bulkEntries, CancellationToken.None);
            for (var i = 0; i < notices.Count; i++) notices[i].BackupEntryId = bulkEntries[i].Id;
            await bulk.InsertAsync(notices, CancellationToken.None);
            await transaction.CommitAsync();
        }
        Assert.Equal(savedEntries.Select(e => e.Id), bulkEntries.Select(e => e.Id));
        Assert.All(notices, n => Assert.True(n.Id > 0));
        saved.Notices.AddRange(savedEntries.Take(2).Select(e => new Notice { ExpectedJobId = savedJob.Id, BackupEntryId = e.Id, Kind = NoticeKind.Alert, JobStatus = JobStatus.Failed, PreviousJobStatus = JobStatus.Ok, CreatedAtUtc = Moment }));
        await saved.SaveChangesAsync();

        // The scan's columns of a job: SaveChanges on a tracked job, UpdateAsync on an untracked one.
        foreach (var job in new[] { savedJob, bulkJob })
            (job.CurrentStatus, job.LastCheckedAtUtc, job.LastSuccessfulBackupUtc, job.LastFailedBackupUtc) = (JobStatus.HashMismatch, Moment.AddTicks(1), null, Moment.AddDays(-1));
        await saved.SaveChangesAsync();
        await using (var transaction = await bulk.Database.BeginTransactionAsync())
        {
            await bulk.UpdateAsync([bulkJob], [nameof(ExpectedBackupJob.CurrentStatus), nameof(ExpectedBackupJob.LastCheckedAtUtc),
                nameof(ExpectedBackupJob.LastSuccessfulBackupUtc), nameof(ExpectedBackupJob.LastFailedBackupUtc)], CancellationToken.None);
            await transaction.CommitAsync();
        }

        foreach (var table in new[] { bulk.Table<ExpectedBackupJob>(), bulk.Table<BackupEntry>(), bulk.Table<Notice>() })
            Assert.Equal(await StoredAsync(saved, table), await StoredAsync(bulk, table));
    }

    [Fact]
    public async Task A_row_breaking_a_constraint_fails_as_a_database_error_and_the_writer_still_works_afterwards()
    {
        await using var db = await OpenAsync("constraint");
        var job = NewJob();
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        var first = Entries(job.Id).Take(1).ToList();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await db.InsertAsync(first, CancellationToken.None);
            await transaction.CommitAsync();
        }

        var duplicate = Entries(job.Id).Take(1).ToList(); // same job and report time: the unique index refuses it
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await Assert.ThrowsAnyAsync<DbException>(() => db.InsertAsync(duplicate, CancellationToken.None));
            await transaction.RollbackAsync();
        }

        var others = Entries(job.Id).Skip(1).ToList();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await db.InsertAsync(others, CancellationToken.None);
            await transaction.CommitAsync();
        }
        Assert.Equal(1 + others.Count, await db.Entries.CountAsync());
    }

    private static readonly DateTime Moment = new(2026, 11, 23, 2, 10, 0, 123, DateTimeKind.Utc);

    private static ExpectedBackupJob NewJob() => new()
    {
        CompanyName = "Société Ünïcode 🚀", City = "Lyon", Neighborhood = "Part-Dieu", DatabaseName = "db'quote",
        AgentIdResponsible = "Agent_1", ExpectedHourUtc = 2, ExpectedMinuteUtc = 0, GraceMinutes = null, CreatedAtUtc = Moment.AddTicks(1234567),
    };

    /// <summary>Every status, nulls and values in every nullable column, dates with and without a fraction of a second.</summary>
    private static List<BackupEntry> Entries(int jobId) => Enum.GetValues<BackupEntryStatus>().Select((status, i) => new BackupEntry
    {
        ExpectedJobId = jobId, Status = status, CreatedAtUtc = Moment.AddSeconds(i),
        AgentReportTimestampUtc = i % 2 == 0 ? Moment.AddMinutes(i).AddTicks(i * 1111111) : null,
        ExpectedCycleUtc = i % 2 == 1 ? Moment.AddDays(-i) : null,
        AgentReportedHashSha256 = i % 3 == 0 ? null : new string('a', 64), AgentReportedSizeBytes = i % 3 == 1 ? null : long.MaxValue - i,
        AgentCompressSizePreCompress = i, AgentCompressSizePostCompress = i == 0 ? 0 : null, AgentTransferProcessStatus = "completed",
        AgentTransferProcessStartTime = Moment.AddTicks(-1), AgentTransferProcessTimestamp = i % 2 == 0 ? Moment : null,
        AgentTransferErrorMessage = i == 1 ? "erreur « réseau » — 🙃" : null, AgentStagedFileName = $"db{i}.sql.gz", AgentLogsSummary = "",
        ServerCalculatedStagedHash = "b", ServerCalculatedStagedSize = -i, HashComparisonResult = (i % 3) switch { 0 => null, 1 => true, _ => false },
        ErrorMessage = i == 2 ? new string('x', 5000) : null, ValidatedPath = "/v/a", QuarantinePath = null,
        ContentFormat = i % 2 == 0 ? "gzip+tar" : null, ContentCheck = i % 2 == 0 ? ContentCheck.Skipped : null, ContentCheckDetail = null,
    }).ToList();

    /// <summary>Every row of a table as the database holds it: each column's stored type and value, as text.</summary>
    private static async Task<List<string>> StoredAsync(BackupMonitorDbContext db, string table)
    {
        var entity = db.Model.GetEntityTypes().Single(e => RawSql.Quote(e.GetTableName()!) == table);
        var columns = entity.GetProperties().Select(p => RawSql.Quote(p.GetColumnName())).ToList();
        var shown = columns.Select(c => db.Database.IsNpgsql() ? $"pg_typeof({c})::text || ':' || coalesce({c}::text, 'NULL')" : $"typeof({c}) || ':' || quote({c})");
        await using var select = db.Command($"SELECT {string.Join(" || ' | ' || ", shown)} FROM {table} ORDER BY 1");
        await using var reader = await select.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        Assert.NotEmpty(rows);
        return rows;
    }

    private async Task<BackupMonitorDbContext> OpenAsync(string name)
    {
        var settings = TestDatabase.Settings(Path.Combine(folder, name));
        Directory.CreateDirectory(Path.Combine(folder, name));
        BackupMonitorDbContext db = TestDatabase.IsPostgres
            ? new PostgresBackupMonitorDbContext(new DbContextOptionsBuilder<PostgresBackupMonitorDbContext>().UseNpgsql(settings["DATABASE_CONNECTION_STRING"]).Options)
            : new SqliteBackupMonitorDbContext(new DbContextOptionsBuilder<SqliteBackupMonitorDbContext>().UseSqlite(settings["DATABASE_CONNECTION_STRING"]).Options);
        await db.MigrateAsync();
        return db;
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
