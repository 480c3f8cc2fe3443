using BackupMonitor.Decisions;

namespace BackupMonitor.Tests.Scanning;

/// <summary>SPEC §5 through real scans: each row of the decision table, with the files where they must end up.</summary>
public class DecisionTableTests
{
    private const string Agent = "ACME_Paris_Centre";

    private static async Task<(TestSite Site, ExpectedBackupJob Job, DateTime Operation)> SiteWithJobAsync()
    {
        var site = await TestSite.CreateAsync();
        var job = await site.AddJobAsync(Agent, "sales");
        return (site, job, new DateTime(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc));
    }

    [Fact]
    public async Task Scan_promotes_a_verified_backup_to_validated_and_marks_the_job_ok()
    {
        var (site, job, operation) = await SiteWithJobAsync();
        await using var _ = site;
        var hash = site.WriteBackup(Agent, "sales_20261123.sql.gz", "the dump");
        site.WriteReport(Agent, ReportJson.Success("sales", operation, "sales_20261123.sql.gz", hash, 8));

        var summary = await site.ScanAsync();

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.Success, entry.Status);
        Assert.Equal($"{Agent}/sales/20261123T021000Z_sales_20261123.sql.gz", entry.ValidatedPath);
        Assert.Equal("the dump", File.ReadAllText(Path.Combine(site.Validated, Agent, "sales", "20261123T021000Z_sales_20261123.sql.gz")));
        Assert.False(File.Exists(site.StagedPath(Agent, "sales_20261123.sql.gz")));
        Assert.Equal(hash, entry.ServerCalculatedStagedHash);
        Assert.Equal(8, entry.ServerCalculatedStagedSize);
        Assert.False(entry.HashComparisonResult);
        Assert.Null(entry.ErrorMessage);
        Assert.Equal(operation, entry.AgentReportTimestampUtc);
        Assert.Equal(8, summary.BytesVerified);
        var updated = await site.JobAsync(job.Id);
        Assert.Equal(JobStatus.Ok, updated.CurrentStatus);
        Assert.Equal(operation, updated.LastSuccessfulBackupUtc);
        Assert.Equal([$"{Agent}/20261123/STATUS.json"], TestSite.FilesUnder(site.Archive));
        Assert.Empty(TestSite.FilesUnder(site.Staging));
    }

    [Fact]
    public async Task Scan_records_an_agent_failure_with_its_message_and_quarantines_the_staged_file()
    {
        var (site, job, operation) = await SiteWithJobAsync();
        await using var _ = site;
        site.WriteBackup(Agent, "sales.sql.gz", "truncated");
        site.WriteReport(Agent, ReportJson.Failed("sales", operation, "pg_dump: connection refused", "sales.sql.gz"));

        await site.ScanAsync();

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.Failed, entry.Status);
        Assert.Equal("pg_dump: connection refused", entry.ErrorMessage);
        Assert.Equal($"{Agent}/sales/20261123T021000Z_sales.sql.gz", entry.QuarantinePath);
        Assert.True(File.Exists(Path.Combine(site.Quarantine, Agent, "sales", "20261123T021000Z_sales.sql.gz")));
        Assert.Empty(TestSite.FilesUnder(site.Validated));
        var updated = await site.JobAsync(job.Id);
        Assert.Equal(JobStatus.Failed, updated.CurrentStatus);
        Assert.Equal(operation, updated.LastFailedBackupUtc);
    }

    [Fact]
    public async Task Scan_uses_the_design_documents_message_when_the_agent_gives_none()
    {
        var (site, _, operation) = await SiteWithJobAsync();
        await using var __ = site;
        site.WriteReport(Agent, ReportJson.Failed("sales", operation));

        await site.ScanAsync();

        Assert.Equal(EntryDecision.AgentFailedDefault, Assert.Single(await site.EntriesAsync()).ErrorMessage);
    }

    [Fact]
    public async Task Scan_records_a_transfer_integrity_failure_and_quarantines_the_staged_file()
    {
        var (site, job, operation) = await SiteWithJobAsync();
        await using var _ = site;
        site.WriteBackup(Agent, "sales.sql.gz", "garbled");
        site.WriteReport(Agent, ReportJson.IntegrityFailed("sales", operation, null, "sales.sql.gz"));

        await site.ScanAsync();

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.TransferIntegrityFailed, entry.Status);
        Assert.Equal(EntryDecision.AgentIntegrityDefault, entry.ErrorMessage);
        Assert.Equal("checksum after upload differs", entry.AgentTransferErrorMessage);
        Assert.Equal([$"{Agent}/sales/20261123T021000Z_sales.sql.gz"], TestSite.FilesUnder(site.Quarantine));
        Assert.False(File.Exists(site.StagedPath(Agent, "sales.sql.gz")));
        Assert.Equal(JobStatus.TransferIntegrityFailed, (await site.JobAsync(job.Id)).CurrentStatus);
    }

    [Fact]
    public async Task Scan_quarantines_a_backup_whose_hash_differs_from_the_agents()
    {
        var (site, job, operation) = await SiteWithJobAsync();
        await using var _ = site;
        var serverHash = site.WriteBackup(Agent, "sales.sql.gz", "corrupted in transit");
        var agentHash = new string('A', 64);
        site.WriteReport(Agent, ReportJson.Success("sales", operation, "sales.sql.gz", agentHash, 20));

        await site.ScanAsync();

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.HashMismatch, entry.Status);
        Assert.True(entry.HashComparisonResult);
        Assert.Equal(serverHash, entry.ServerCalculatedStagedHash);
        Assert.Equal(new string('a', 64), entry.AgentReportedHashSha256); // stored lowercase
        Assert.Contains($"Agent: {new string('a', 64)}, Serveur: {serverHash}", entry.ErrorMessage);
        Assert.Equal($"{Agent}/sales/20261123T021000Z_sales.sql.gz", entry.QuarantinePath);
        Assert.Equal([entry.QuarantinePath!], TestSite.FilesUnder(site.Quarantine));
        Assert.Empty(TestSite.FilesUnder(site.Validated));
        Assert.Equal(JobStatus.HashMismatch, (await site.JobAsync(job.Id)).CurrentStatus);
    }

    [Fact]
    public async Task Scan_compares_hashes_case_insensitively_and_stores_them_lowercase()
    {
        var (site, _, operation) = await SiteWithJobAsync();
        await using var __ = site;
        var hash = site.WriteBackup(Agent, "sales.sql.gz", "the dump");
        site.WriteReport(Agent, ReportJson.Success("sales", operation, "sales.sql.gz", hash.ToUpperInvariant(), 8));

        await site.ScanAsync();

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.Success, entry.Status);
        Assert.Equal(hash, entry.AgentReportedHashSha256);
        Assert.Equal(hash, entry.ServerCalculatedStagedHash);
    }

    [Fact]
    public async Task Scan_promotes_a_backup_whose_size_differs_when_the_hash_matches_and_keeps_the_warning()
    {
        var (site, job, operation) = await SiteWithJobAsync();
        await using var _ = site;
        var hash = site.WriteBackup(Agent, "sales.sql.gz", "the dump");
        site.WriteReport(Agent, ReportJson.Success("sales", operation, "sales.sql.gz", hash, 9999));

        await site.ScanAsync();

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.Success, entry.Status);
        Assert.NotNull(entry.ValidatedPath);
        Assert.Contains("Agent: 9999, Serveur: 8", entry.ErrorMessage);
        Assert.Equal(JobStatus.Ok, (await site.JobAsync(job.Id)).CurrentStatus);
        Assert.Contains(site.Logs.Records, m => m.Message.Contains("Agent: 9999, Serveur: 8"));
    }

    [Fact]
    public async Task Scan_marks_a_success_line_missing_when_its_staged_file_is_absent()
    {
        var (site, job, operation) = await SiteWithJobAsync();
        await using var _ = site;
        site.WriteReport(Agent, ReportJson.Success("sales", operation, "sales.sql.gz", new string('a', 64), 8));

        await site.ScanAsync();

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(BackupEntryStatus.Missing, entry.Status);
        Assert.Equal(EntryDecision.StagedFileMissing, entry.ErrorMessage);
        Assert.Null(entry.ExpectedCycleUtc);
        Assert.Equal(JobStatus.Missing, (await site.JobAsync(job.Id)).CurrentStatus);
    }

    [Fact]
    public async Task Scan_leaves_staged_files_that_no_report_names_in_staging()
    {
        var (site, _, operation) = await SiteWithJobAsync();
        await using var __ = site;
        site.WriteBackup(Agent, "stray.sql.gz", "who sent this");
        site.WriteReport(Agent, ReportJson.Failed("sales", operation));

        await site.ScanAsync();

        Assert.True(File.Exists(site.StagedPath(Agent, "stray.sql.gz")));
    }

    [Fact]
    public async Task Scan_records_older_lines_oldest_first_and_lets_the_newest_set_the_job_status()
    {
        var (site, job, operation) = await SiteWithJobAsync();
        await using var _ = site;
        var yesterday = operation.AddDays(-1);
        var hash = site.WriteBackup(Agent, "sales_today.sql.gz", "today");
        // The newest line sits in the report that is read first.
        site.WriteReport(Agent, ReportJson.Json(Agent, operation, ReportJson.Success("sales", operation, "sales_today.sql.gz", hash, 5)), "A_today.json");
        site.WriteReport(Agent, ReportJson.Json(Agent, yesterday, ReportJson.Failed("sales", yesterday, "disk full")), "B_yesterday.json");

        await site.ScanAsync();

        var entries = await site.EntriesAsync(job.Id);
        Assert.Equal([yesterday, operation], entries.Select(e => e.AgentReportTimestampUtc!.Value));
        Assert.Equal([BackupEntryStatus.Failed, BackupEntryStatus.Success], entries.Select(e => e.Status));
        var updated = await site.JobAsync(job.Id);
        Assert.Equal(JobStatus.Ok, updated.CurrentStatus);
        Assert.Equal(yesterday, updated.LastFailedBackupUtc);
        Assert.Equal(operation, updated.LastSuccessfulBackupUtc);
    }

    [Fact]
    public async Task Scan_keeps_the_newest_lines_failure_even_when_an_older_line_succeeded()
    {
        var (site, job, operation) = await SiteWithJobAsync();
        await using var _ = site;
        var yesterday = operation.AddDays(-1);
        var hash = site.WriteBackup(Agent, "sales_yesterday.sql.gz", "yesterday");
        site.WriteReport(Agent, ReportJson.Json(Agent, operation, ReportJson.Failed("sales", operation, "disk full")), "A_today.json");
        site.WriteReport(Agent, ReportJson.Json(Agent, yesterday, ReportJson.Success("sales", yesterday, "sales_yesterday.sql.gz", hash, 9)), "B_yesterday.json");

        await site.ScanAsync();

        Assert.Equal([BackupEntryStatus.Success, BackupEntryStatus.Failed], (await site.EntriesAsync(job.Id)).Select(e => e.Status));
        Assert.Equal(JobStatus.Failed, (await site.JobAsync(job.Id)).CurrentStatus);
    }
}
