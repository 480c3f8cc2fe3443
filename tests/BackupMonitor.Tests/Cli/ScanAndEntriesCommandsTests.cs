using System.Text.Json;

namespace BackupMonitor.Tests.Cli;

/// <summary>`scan --format json` and `entries list --format json`: the exact shapes of SPEC §2 and §8.</summary>
public class ScanAndEntriesCommandsTests
{
    private const string Agent = "ACME_Paris_Centre";

    private static readonly string[] EntryFields =
    [
        "id", "expected_job_id", "status", "agent_report_timestamp_utc", "agent_reported_hash_sha256", "agent_reported_size_bytes",
        "agent_compress_size_pre_compress", "agent_compress_size_post_compress", "agent_transfer_process_status",
        "agent_transfer_process_start_time", "agent_transfer_process_timestamp", "agent_transfer_error_message",
        "agent_staged_file_name", "agent_logs_summary", "server_calculated_staged_hash", "server_calculated_staged_size",
        "hash_comparison_result", "error_message", "validated_path", "quarantine_path", "expected_cycle_utc",
        "content_format", "content_check", "content_check_detail", "pruned_at_utc", "trash_path", "purged_at_utc", "held_at_utc", "created_at_utc",
    ];

    /// <summary>One good backup (sales) and one corrupted one (hr), as an agent would leave them.</summary>
    private static async Task WriteSiteAsync(CliHarness cli)
    {
        await cli.AddJobAsync("ACME", "Paris", "Centre", "sales");
        await cli.AddJobAsync("ACME", "Paris", "Centre", "hr");
        var good = cli.Agents.WriteBackup(Agent, "sales.sql.gz", "good dump");
        cli.Agents.WriteBackup(Agent, "hr.sql.gz", "bad dump");
        var operation = new DateTime(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc);
        cli.Agents.WriteReport(Agent, ReportJson.Json(Agent, operation,
            ReportJson.Success("sales", operation, "sales.sql.gz", good.ToUpperInvariant(), 9),
            ReportJson.Success("hr", operation, "hr.sql.gz", new string('F', 64), 8)));
    }

    [Fact]
    public async Task Scan_json_has_exactly_the_summary_keys_with_every_status()
    {
        using var cli = new CliHarness();
        await WriteSiteAsync(cli);

        using var document = JsonDocument.Parse(await cli.OkAsync("scan", "--format", "json"));
        var root = document.RootElement;

        Assert.Equal(
            new[] { "reports_read", "reports_invalid", "entries_created", "by_status", "notifications_sent", "notifications_failed", "bytes_verified", "duration_ms" }.Order(),
            root.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(
            new[] { "success", "failed", "missing", "hash_mismatch", "transfer_integrity_failed", "corrupt" }.Order(),
            root.GetProperty("by_status").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(1, root.GetProperty("reports_read").GetInt32());
        Assert.Equal(0, root.GetProperty("reports_invalid").GetInt32());
        Assert.Equal(2, root.GetProperty("entries_created").GetInt32());
        Assert.Equal(1, root.GetProperty("by_status").GetProperty("success").GetInt32());
        Assert.Equal(1, root.GetProperty("by_status").GetProperty("hash_mismatch").GetInt32());
        Assert.Equal(17, root.GetProperty("bytes_verified").GetInt64());
    }

    [Fact]
    public async Task Entries_list_json_has_exactly_the_spec_fields_lowercase_statuses_and_hashes_and_utc_timestamps()
    {
        using var cli = new CliHarness();
        await WriteSiteAsync(cli);
        await cli.OkAsync("scan");

        using var document = JsonDocument.Parse(await cli.OkAsync("entries", "list", "--format", "json"));
        var entries = document.RootElement.EnumerateArray().ToList();

        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(EntryFields.Order(), e.EnumerateObject().Select(p => p.Name).Order()));
        var byStatus = entries.ToDictionary(e => e.GetProperty("status").GetString()!);
        Assert.Equal(["hash_mismatch", "success"], byStatus.Keys.Order());
        var success = byStatus["success"];
        Assert.Equal(TestSite.Sha256("good dump"u8.ToArray()), success.GetProperty("agent_reported_hash_sha256").GetString());
        Assert.Equal("2026-11-23T02:10:00Z", success.GetProperty("agent_report_timestamp_utc").GetString());
        Assert.EndsWith("Z", success.GetProperty("created_at_utc").GetString());
        Assert.Equal($"{Agent}/sales/20261123T021000Z_sales.sql.gz", success.GetProperty("validated_path").GetString());
        Assert.Equal(new string('f', 64), byStatus["hash_mismatch"].GetProperty("agent_reported_hash_sha256").GetString());
        Assert.True(byStatus["hash_mismatch"].GetProperty("hash_comparison_result").GetBoolean());
    }

    [Fact]
    public async Task Entries_list_filters_by_status()
    {
        using var cli = new CliHarness();
        await WriteSiteAsync(cli);
        await cli.OkAsync("scan");

        using var document = JsonDocument.Parse(await cli.OkAsync("entries", "list", "--status", "hash_mismatch", "--format", "json"));

        Assert.Equal("hash_mismatch", Assert.Single(document.RootElement.EnumerateArray().ToList()).GetProperty("status").GetString());
    }
}
