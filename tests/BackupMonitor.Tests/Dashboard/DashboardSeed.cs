using BackupMonitor.Persistence;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>A small estate in every state, with a month of history for one job and a few notices.</summary>
internal static class DashboardSeed
{
    public const string NewestHash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    public const string ServerHash = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    public const int SalesEntries = 25;

    public static readonly DateTime Now = DashboardTestHost.Now;

    public static ExpectedBackupJob Job(string company, string city, string neighborhood, string database, JobStatus status, bool active = true) => new()
    {
        CompanyName = company, City = city, Neighborhood = neighborhood, DatabaseName = database,
        AgentIdResponsible = Names.DefaultAgentId(company, city, neighborhood),
        ExpectedHourUtc = 2, ExpectedMinuteUtc = 0, GraceMinutes = 60, IsActive = active, CurrentStatus = status,
        CreatedAtUtc = Now.AddDays(-40),
        LastSuccessfulBackupUtc = status == JobStatus.Ok ? Now.AddHours(-9.8) : null,
        LastFailedBackupUtc = status.IsFailure() ? Now.AddHours(-9.8) : null,
    };

    /// <summary>Returns the jobs by database name once saved (ids assigned).</summary>
    public static async Task<Dictionary<string, ExpectedBackupJob>> EstateAsync(DashboardTestHost host)
    {
        var jobs = new[]
        {
            Job("ACME", "Paris", "Centre", "sales", JobStatus.Ok),
            Job("ACME", "Lyon", "Part-Dieu", "stock", JobStatus.HashMismatch),
            Job("Globex", "Marseille", "Vieux Port", "crm", JobStatus.Failed),
            Job("Globex", "Marseille", "Vieux Port", "erp", JobStatus.Missing),
            Job("Initech", "Nantes", "Gare", "billing", JobStatus.Unknown),
            Job("Initech", "Nantes", "Gare", "archive", JobStatus.Ok, active: false),
        };
        await host.SeedAsync(db =>
        {
            db.Jobs.AddRange(jobs);
            return Task.CompletedTask;
        });
        var sales = jobs[0];
        await host.SeedAsync(db =>
        {
            // One entry per daily cycle (02:00 UTC) for 25 days, newest today; two days ago it failed.
            for (var day = SalesEntries - 1; day >= 0; day--)
            {
                var operation = Now.Date.AddDays(-day).AddHours(2).AddMinutes(10);
                db.Entries.Add(new BackupEntry
                {
                    ExpectedJobId = sales.Id, Status = day == 2 ? BackupEntryStatus.Failed : BackupEntryStatus.Success,
                    AgentReportTimestampUtc = operation, CreatedAtUtc = operation.AddMinutes(5),
                    AgentStagedFileName = $"sales_{operation:yyyyMMdd}.sql.gz",
                    ErrorMessage = day == 2 ? "pg_dump: connection to server refused" : null,
                    ValidatedPath = day == 2 ? null : $"ACME_Paris_Centre/sales/{operation:yyyyMMddTHHmmssZ}_sales_{operation:yyyyMMdd}.sql.gz",
                });
            }
            var missed = Now.Date.AddDays(-1).AddHours(2);
            db.Entries.Add(new BackupEntry { ExpectedJobId = jobs[3].Id, Status = BackupEntryStatus.Missing, ExpectedCycleUtc = missed, CreatedAtUtc = missed.AddHours(1) });
            var mismatch = Now.Date.AddHours(2).AddMinutes(5);
            db.Entries.Add(new BackupEntry
            {
                ExpectedJobId = jobs[1].Id, Status = BackupEntryStatus.HashMismatch, AgentReportTimestampUtc = mismatch, CreatedAtUtc = mismatch.AddMinutes(10),
                AgentReportedHashSha256 = NewestHash, AgentReportedSizeBytes = 4_194_304, AgentCompressSizePreCompress = 16_777_216,
                AgentCompressSizePostCompress = 4_194_304, AgentTransferProcessStatus = "completed",
                AgentTransferProcessStartTime = mismatch.AddMinutes(1), AgentTransferProcessTimestamp = mismatch.AddMinutes(4),
                AgentTransferErrorMessage = "retried once", AgentStagedFileName = "stock_20261123.sql.gz", AgentLogsSummary = "dump 12 s, gzip 3 s",
                ServerCalculatedStagedHash = ServerHash, ServerCalculatedStagedSize = 4_194_305, HashComparisonResult = true,
                ErrorMessage = "the staged file's SHA-256 differs from the agent's", QuarantinePath = "ACME_Lyon_Part-Dieu/stock/20261123T020500Z_stock_20261123.sql.gz",
            });
            db.ScanRuns.Add(new ScanRun
            {
                StartedAtUtc = Now.AddMinutes(-6), FinishedAtUtc = Now.AddMinutes(-5), ReportsRead = 7, ReportsInvalid = 1, EntriesCreated = 4,
                Success = 1, Failed = 1, Missing = 1, HashMismatch = 1, DurationMs = 812,
            });
            return Task.CompletedTask;
        });
        await host.SeedAsync(async db =>
        {
            var entry = db.Entries.First(e => e.ExpectedJobId == jobs[1].Id);
            var alert = new Notice
            {
                BackupEntryId = entry.Id, ExpectedJobId = jobs[1].Id, Kind = NoticeKind.Alert, JobStatus = JobStatus.HashMismatch, CreatedAtUtc = Now.AddMinutes(-5),
            };
            alert.Deliveries.Add(new Delivery
            {
                Destination = "admins", State = DeliveryState.Pending, Attempts = 2,
                LastError = "connection refused by smtp.example.org:587", CreatedAtUtc = Now.AddMinutes(-5), NextAttemptAtUtc = Now.AddMinutes(1),
            });
            var recovery = new Notice
            {
                BackupEntryId = entry.Id, ExpectedJobId = jobs[1].Id, Kind = NoticeKind.Recovery, JobStatus = JobStatus.Ok, PreviousJobStatus = JobStatus.HashMismatch,
                CreatedAtUtc = Now.AddDays(-3),
            };
            recovery.Deliveries.Add(new Delivery { Destination = "admins", State = DeliveryState.Sent, Attempts = 1, CreatedAtUtc = Now.AddDays(-3), SentAtUtc = Now.AddDays(-3) });
            db.Notices.AddRange(alert, recovery);
            await Task.CompletedTask;
        });
        return jobs.ToDictionary(j => j.DatabaseName);
    }
}
