using System.Text.Json.Nodes;

namespace BackupMonitor.Tests.Reports;

/// <summary>SPEC §3: an invalid report goes to the quarantine with an explanation, is counted, and never stops the scan.</summary>
public class InvalidReportTests
{
    private const string Bad = "Initech_Nantes_Gare";
    private const string Good = "ACME_Paris_Centre";

    public static TheoryData<string, string, string> InvalidReports => new()
    {
        { "malformed JSON", "{\"agent_id\": ", "file: malformed JSON" },
        { "missing field", """{"agent_id":"Initech_Nantes_Gare","databases":[{"db_name":"crm","status":"failed","operation_timestamp_utc":"2026-11-23T02:10:00Z"}]}""", "report_timestamp_utc: required" },
        { "mistyped field", """{"agent_id":"Initech_Nantes_Gare","report_timestamp_utc":"2026-11-23T02:15:00Z","databases":[{"db_name":"crm","status":"success","operation_timestamp_utc":"2026-11-23T02:10:00Z","staged_file_name":"crm.sql.gz","hash_sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size_bytes":"12"}]}""", "databases[0].size_bytes: must be an integer" },
        { "path in file name", """{"agent_id":"Initech_Nantes_Gare","report_timestamp_utc":"2026-11-23T02:15:00Z","databases":[{"db_name":"crm","status":"success","operation_timestamp_utc":"2026-11-23T02:10:00Z","staged_file_name":"../../etc/passwd","hash_sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size_bytes":12}]}""", "databases[0].staged_file_name: must" },
        { "short hash", """{"agent_id":"Initech_Nantes_Gare","report_timestamp_utc":"2026-11-23T02:15:00Z","databases":[{"db_name":"crm","status":"success","operation_timestamp_utc":"2026-11-23T02:10:00Z","staged_file_name":"crm.sql.gz","hash_sha256":"abc","size_bytes":12}]}""", "databases[0].hash_sha256: must be 64 hexadecimal digits" },
        { "foreign agent id", """{"agent_id":"ACME_Paris_Centre","report_timestamp_utc":"2026-11-23T02:15:00Z","databases":[{"db_name":"crm","status":"failed","operation_timestamp_utc":"2026-11-23T02:10:00Z"}]}""", "agent_id: 'ACME_Paris_Centre' does not match the folder" },
        { "unknown status", """{"agent_id":"Initech_Nantes_Gare","report_timestamp_utc":"2026-11-23T02:15:00Z","databases":[{"db_name":"crm","status":"maybe","operation_timestamp_utc":"2026-11-23T02:10:00Z"}]}""", "databases[0].status: must be success, failed or transfer_integrity_failed" },
        { "empty databases", """{"agent_id":"Initech_Nantes_Gare","report_timestamp_utc":"2026-11-23T02:15:00Z","databases":[]}""", "databases: must hold at least one item" },
        { "local timestamp", """{"agent_id":"Initech_Nantes_Gare","report_timestamp_utc":"2026-11-23T02:15:00","databases":[{"db_name":"crm","status":"failed","operation_timestamp_utc":"2026-11-23T02:10:00Z"}]}""", "report_timestamp_utc: must be an ISO 8601 timestamp with Z or an offset" },
    };

    [Theory]
    [MemberData(nameof(InvalidReports))]
    public async Task Scan_quarantines_an_invalid_report_with_an_error_file_and_goes_on_with_other_agents(string why, string text, string expectedProblem)
    {
        await using var site = await TestSite.CreateAsync();
        var goodJob = await site.AddJobAsync(Good, "sales");
        await site.AddJobAsync(Bad, "crm");
        var hash = site.WriteBackup(Good, "sales.sql.gz", "good dump");
        site.WriteReport(Good, ReportJson.Success("sales", site.Now.AddMinutes(-20), "sales.sql.gz", hash, 9));
        site.WriteReport(Bad, text);

        var summary = await site.ScanAsync();

        Assert.Equal(2, summary.ReportsRead);
        Assert.Equal(1, summary.ReportsInvalid);
        Assert.False(File.Exists(site.ReportPath(Bad, "STATUS.json")), why);
        var quarantined = Path.Combine(site.Quarantine, Bad, "reports", "STATUS.json");
        Assert.Equal(text, File.ReadAllText(quarantined));
        var error = File.ReadAllText(quarantined + ".error.txt");
        Assert.Contains($"File: {Bad}/log/STATUS.json", error);
        Assert.Contains(expectedProblem, error);
        // The other agent's report was processed as usual.
        Assert.Equal(BackupEntryStatus.Success, Assert.Single(await site.EntriesAsync(goodJob.Id)).Status);
        Assert.Contains($"{Good}/20261123/STATUS.json", TestSite.FilesUnder(site.Archive));
    }

    [Fact]
    public async Task Scan_quarantines_a_report_file_over_one_mebibyte_without_parsing_it()
    {
        await using var site = await TestSite.CreateAsync();
        site.WriteReport(Bad, "{\"pad\":\"" + new string('x', 1024 * 1024) + "\"}");

        var summary = await site.ScanAsync();

        Assert.Equal((1, 1), (summary.ReportsRead, summary.ReportsInvalid));
        var error = File.ReadAllText(Path.Combine(site.Quarantine, Bad, "reports", "STATUS.json.error.txt"));
        Assert.Contains("file: larger than 1 MiB", error);
        Assert.True(File.Exists(Path.Combine(site.Quarantine, Bad, "reports", "STATUS.json")));
    }

    [Fact]
    public async Task Scan_records_where_an_invalid_report_went()
    {
        await using var site = await TestSite.CreateAsync();
        site.WriteReport(Bad, "not json");

        await site.ScanAsync();

        var record = Assert.Single(await site.ProcessedReportsAsync());
        Assert.Equal(ReportOutcome.Invalid, record.Outcome);
        Assert.Equal($"{Bad}/reports/STATUS.json", record.QuarantinePath);
        Assert.Contains("malformed JSON", record.Error);
    }

    [Fact]
    public async Task Scan_treats_a_symlinked_report_as_invalid_and_never_reads_or_moves_its_target()
    {
        await using var site = await TestSite.CreateAsync();
        var outside = Path.Combine(site.Root, "outside.json");
        var valid = ReportJson.Json(Bad, site.Now, ReportJson.Failed("crm", site.Now.AddMinutes(-5)));
        File.WriteAllText(outside, valid);
        Directory.CreateDirectory(Path.GetDirectoryName(site.ReportPath(Bad, "STATUS.json"))!);
        File.CreateSymbolicLink(site.ReportPath(Bad, "STATUS.json"), outside);
        var job = await site.AddJobAsync(Bad, "crm");

        var summary = await site.ScanAsync();

        Assert.Equal((1, 1), (summary.ReportsRead, summary.ReportsInvalid));
        Assert.Empty(await site.EntriesAsync(job.Id)); // its content was never used
        Assert.Equal(valid, File.ReadAllText(outside)); // target untouched, still in place
        var error = File.ReadAllText(Path.Combine(site.Quarantine, Bad, "reports", "STATUS.json.error.txt"));
        Assert.Contains("symbolic link", error);
    }

    [Fact]
    public async Task Scan_leaves_a_report_younger_than_the_settle_time_for_a_later_scan()
    {
        await using var site = await TestSite.CreateAsync(new() { ["SCAN_MIN_FILE_AGE_SECONDS"] = "5" });
        var job = await site.AddJobAsync(Bad, "crm");
        var path = site.WriteReport(Bad, ReportJson.Json(Bad, site.Now, ReportJson.Failed("crm", site.Now.AddMinutes(-5))), age: TimeSpan.FromSeconds(2));

        var first = await site.ScanAsync();

        Assert.Equal(0, first.ReportsRead);
        Assert.True(File.Exists(path));
        Assert.Empty(await site.EntriesAsync(job.Id));

        site.Time.Advance(TimeSpan.FromSeconds(3));
        var second = await site.ScanAsync();

        Assert.Equal(1, second.ReportsRead);
        Assert.Equal(BackupEntryStatus.Failed, Assert.Single(await site.EntriesAsync(job.Id)).Status);
    }

    [Fact]
    public async Task Scan_leaves_part_and_tmp_files_in_staging_untouched()
    {
        await using var site = await TestSite.CreateAsync();
        await site.AddJobAsync(Good, "sales");
        var reportPart = site.WriteReport(Good, ReportJson.Json(Good, site.Now, ReportJson.Failed("sales", site.Now)), fileName: "STATUS.json.part");
        var reportTmp = site.WriteReport(Good, "{", fileName: "STATUS.json.tmp");
        var hash = site.WriteBackup(Good, "sales.sql.gz.part", "half a dump");
        site.WriteBackup(Good, "sales.sql.gz.tmp", "half a dump");
        // A report that names the upload in progress, with its right hash and size: still never promoted.
        site.WriteReport(Good, ReportJson.Success("sales", site.Now.AddMinutes(-20), "sales.sql.gz.part", hash, 11));

        var summary = await site.ScanAsync();

        Assert.Equal((1, 1), (summary.ReportsRead, summary.ReportsInvalid)); // STATUS.json only; the .part and .tmp reports are not read
        Assert.True(File.Exists(reportPart));
        Assert.True(File.Exists(reportTmp));
        Assert.True(File.Exists(site.StagedPath(Good, "sales.sql.gz.part")));
        Assert.True(File.Exists(site.StagedPath(Good, "sales.sql.gz.tmp")));
        Assert.Empty(TestSite.FilesUnder(site.Validated));
        Assert.Equal([$"{Good}/reports/STATUS.json", $"{Good}/reports/STATUS.json.error.txt"], TestSite.FilesUnder(site.Quarantine));
    }

    [Theory]
    [InlineData("sales.sql.gz.tmp")]
    [InlineData("sales.sql.gz.PART")]
    public async Task A_report_naming_an_upload_in_progress_is_invalid_and_the_upload_is_left_alone(string stagedFileName)
    {
        await using var site = await TestSite.CreateAsync();
        var job = await site.AddJobAsync(Good, "sales");
        // The hash and size are right: without the rule, the half-uploaded file would be promoted as a success.
        var hash = site.WriteBackup(Good, stagedFileName, "half a dump");
        site.WriteReport(Good, ReportJson.Success("sales", site.Now.AddMinutes(-20), stagedFileName, hash, 11));

        var summary = await site.ScanAsync();

        Assert.Equal((1, 1), (summary.ReportsRead, summary.ReportsInvalid));
        Assert.True(File.Exists(site.StagedPath(Good, stagedFileName)));
        Assert.Empty(TestSite.FilesUnder(site.Validated));
        Assert.DoesNotContain(await site.EntriesAsync(job.Id), e => e.Status == BackupEntryStatus.Success);
        var error = File.ReadAllText(Path.Combine(site.Quarantine, Good, "reports", "STATUS.json.error.txt"));
        Assert.Contains($"databases[0].staged_file_name: must not end in '.part' or '.tmp'", error);
        Assert.Contains(stagedFileName, error);
    }

    [Fact]
    public async Task A_staged_file_name_too_long_for_a_filesystem_in_bytes_is_invalid_not_stuck_in_staging()
    {
        await using var site = await TestSite.CreateAsync();
        await site.AddJobAsync(Good, "sales");
        // 60 four-byte characters: 120 UTF-16 units (under the 200-character rule) but 240 bytes, over what the
        // validated name (with its 17-character timestamp prefix) can be. Found by the report fuzzer: such a line
        // could not be moved, so its report stayed in staging scan after scan.
        var name = string.Concat(Enumerable.Repeat("\U0001F4BE", 60)) + ".gz";
        site.WriteReport(Good, ReportJson.Success("sales", site.Now.AddMinutes(-20), name, new string('a', 64), 11));

        var summary = await site.ScanAsync();

        Assert.Equal((1, 1), (summary.ReportsRead, summary.ReportsInvalid));
        var error = File.ReadAllText(Path.Combine(site.Quarantine, Good, "reports", "STATUS.json.error.txt"));
        Assert.Contains("databases[0].staged_file_name: must be at most 200 bytes in UTF-8", error);
        Assert.Empty(TestSite.FilesUnder(Path.Combine(site.Staging, Good, "log")));
    }

    [Fact]
    public async Task Scan_logs_and_ignores_a_line_for_a_database_without_an_active_job()
    {
        await using var site = await TestSite.CreateAsync();
        var job = await site.AddJobAsync(Good, "sales");
        site.WriteReport(Good, ReportJson.Failed("sales", site.Now.AddMinutes(-20)), ReportJson.Failed("unknown_db", site.Now.AddMinutes(-20)));

        var summary = await site.ScanAsync();

        Assert.Equal(1, summary.EntriesCreated);
        Assert.Equal(1, summary.UnmatchedLines);
        Assert.Single(await site.EntriesAsync(job.Id));
        Assert.Contains(site.Logs.Records, m => m.Message.Contains("Unmatched line") && m.Message.Contains("'unknown_db'"));
        Assert.Contains($"{Good}/20261123/STATUS.json", TestSite.FilesUnder(site.Archive));
    }

    [Fact]
    public async Task A_second_invalid_report_with_the_same_name_is_quarantined_beside_the_first()
    {
        await using var site = await TestSite.CreateAsync();
        site.WriteReport(Bad, "first broken");
        await site.ScanAsync();
        site.WriteReport(Bad, "second broken");

        await site.ScanAsync();

        Assert.Equal(
            [$"{Bad}/reports/STATUS-1.json", $"{Bad}/reports/STATUS-1.json.error.txt", $"{Bad}/reports/STATUS.json", $"{Bad}/reports/STATUS.json.error.txt"],
            TestSite.FilesUnder(site.Quarantine));
        Assert.Equal("first broken", File.ReadAllText(Path.Combine(site.Quarantine, Bad, "reports", "STATUS.json")));
        Assert.Equal("second broken", File.ReadAllText(Path.Combine(site.Quarantine, Bad, "reports", "STATUS-1.json")));
    }

    [Fact]
    public async Task A_second_valid_report_with_the_same_name_on_the_same_day_is_archived_beside_the_first()
    {
        await using var site = await TestSite.CreateAsync();
        var job = await site.AddJobAsync(Good, "sales");
        site.WriteReport(Good, ReportJson.Failed("sales", site.Now.AddMinutes(-30), "first try"));
        await site.ScanAsync();
        site.WriteReport(Good, ReportJson.Failed("sales", site.Now.AddMinutes(-10), "second try"));

        await site.ScanAsync();

        Assert.Equal([$"{Good}/20261123/STATUS-1.json", $"{Good}/20261123/STATUS.json"], TestSite.FilesUnder(site.Archive));
        Assert.Equal(["first try", "second try"], (await site.EntriesAsync(job.Id)).Select(e => e.ErrorMessage));
    }
}
