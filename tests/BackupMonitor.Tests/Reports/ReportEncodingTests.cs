using System.Text;

namespace BackupMonitor.Tests.Reports;

/// <summary>
/// SPEC §3: reports in UTF-8 (with or without a byte-order mark), UTF-16 and UTF-32 with one are read; any other
/// bytes make the report invalid with an error that says where, and no report, however broken, stops a scan.
/// </summary>
public class ReportEncodingTests
{
    private const string Windows = "Initech_Evry_Gare";
    private const string Good = "ACME_Paris_Centre";

    private static string FailedReport(string agentId, DateTime now, string errorMessage) =>
        ReportJson.Json(agentId, now, ReportJson.Failed("crm", now.AddMinutes(-5), errorMessage));

    public static TheoryData<string> Encodings => ["utf-8 BOM", "utf-16LE", "utf-16BE", "utf-32LE", "utf-32BE"];

    private static byte[] Encode(string text, string encoding) => encoding switch
    {
        "utf-8 BOM" => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)],
        "utf-16LE" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
        "utf-16BE" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(text)],
        "utf-32LE" => [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes(text)],
        "utf-32BE" => [.. new UTF32Encoding(bigEndian: true, byteOrderMark: true).GetPreamble(), .. new UTF32Encoding(bigEndian: true, byteOrderMark: true).GetBytes(text)],
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };

    [Fact]
    public async Task A_latin1_report_is_quarantined_as_not_utf8_and_the_scan_goes_on_with_other_agents()
    {
        await using var site = await TestSite.CreateAsync();
        var windowsJob = await site.AddJobAsync(Windows, "crm");
        var goodJob = await site.AddJobAsync(Good, "sales");
        var hash = site.WriteBackup(Good, "sales.sql.gz", "good dump");
        site.WriteReport(Good, ReportJson.Success("sales", site.Now.AddMinutes(-20), "sales.sql.gz", hash, 9));
        var text = FailedReport(Windows, site.Now, "disque plein à Évry\nréessayer");
        var latin1 = Encoding.Latin1.GetBytes(text);
        site.WriteReportBytes(Windows, latin1);

        var summary = await site.ScanAsync();

        Assert.Equal((2, 1), (summary.ReportsRead, summary.ReportsInvalid));
        Assert.Empty(await site.EntriesAsync(windowsJob.Id));
        Assert.Equal(BackupEntryStatus.Success, Assert.Single(await site.EntriesAsync(goodJob.Id)).Status);
        var quarantined = Path.Combine(site.Quarantine, Windows, "reports", "STATUS.json");
        Assert.Equal(latin1, File.ReadAllBytes(quarantined));
        var error = File.ReadAllText(quarantined + ".error.txt");
        var offset = text.IndexOf('à');
        Assert.Contains("not UTF-8", error);
        Assert.Contains($"byte offset {offset} (line 1, column {offset + 1})", error);
        Assert.Contains("0xE0", error);
        Assert.Contains("save", error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("UTF-8", error);
    }

    [Fact]
    public async Task A_broken_utf8_sequence_is_reported_at_its_line_and_byte()
    {
        await using var site = await TestSite.CreateAsync();
        var bytes = Encoding.UTF8.GetBytes("{\n  \"agent_id\": \"" + Windows + "\",\n  \"x\": \"é\"\n}");
        var e = Array.IndexOf(bytes, (byte)0xC3);
        bytes[e + 1] = (byte)'A'; // 0xC3 followed by a byte that cannot continue it

        site.WriteReportBytes(Windows, bytes);
        var column = e - Array.LastIndexOf(bytes, (byte)'\n', e);

        var summary = await site.ScanAsync();

        Assert.Equal(1, summary.ReportsInvalid);
        var error = File.ReadAllText(Path.Combine(site.Quarantine, Windows, "reports", "STATUS.json.error.txt"));
        Assert.Contains($"byte offset {e} (line 3, column {column})", error);
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public async Task A_report_with_a_byte_order_mark_is_read(string encoding)
    {
        await using var site = await TestSite.CreateAsync();
        var job = await site.AddJobAsync(Windows, "crm");
        site.WriteReportBytes(Windows, Encode(FailedReport(Windows, site.Now, "disque plein à Évry ✓ 𝄞"), encoding));

        var summary = await site.ScanAsync();

        Assert.Equal((1, 0), (summary.ReportsRead, summary.ReportsInvalid));
        var entry = Assert.Single(await site.EntriesAsync(job.Id));
        Assert.Equal(BackupEntryStatus.Failed, entry.Status);
        Assert.Equal("disque plein à Évry ✓ 𝄞", entry.ErrorMessage);
        Assert.Contains($"{Windows}/20261123/STATUS.json", TestSite.FilesUnder(site.Archive));
    }

    [Fact]
    public async Task A_utf16_report_without_a_byte_order_mark_is_invalid_and_says_so()
    {
        await using var site = await TestSite.CreateAsync();
        site.WriteReportBytes(Windows, Encoding.Unicode.GetBytes(FailedReport(Windows, site.Now, "x")));

        var summary = await site.ScanAsync();

        Assert.Equal(1, summary.ReportsInvalid);
        var error = File.ReadAllText(Path.Combine(site.Quarantine, Windows, "reports", "STATUS.json.error.txt"));
        Assert.Contains("not UTF-8", error);
        Assert.Contains("UTF-16 or UTF-32 without a byte-order mark", error);
    }

    [Fact]
    public async Task The_error_file_is_utf8_without_a_byte_order_mark_and_points_to_the_readme()
    {
        await using var site = await TestSite.CreateAsync();
        site.WriteReport(Windows, "{\"agent_id\": \"Évry\"");

        await site.ScanAsync();

        var bytes = File.ReadAllBytes(Path.Combine(site.Quarantine, Windows, "reports", "STATUS.json.error.txt"));
        Assert.NotEqual(0xEF, bytes[0]);
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        Assert.Contains("'The agent's report: STATUS.json' in the BackupMonitor README", text);
        Assert.DoesNotContain("SPEC", text);
    }

    [Fact]
    public async Task An_unpaired_surrogate_escape_is_an_invalid_field_not_a_failed_scan()
    {
        await using var site = await TestSite.CreateAsync();
        await site.AddJobAsync(Windows, "crm");
        site.WriteReport(Windows, FailedReport(Windows, site.Now, "x").Replace("\"error_msg\":\"x\"", "\"error_msg\":\"\\ud800\""));

        var summary = await site.ScanAsync();

        Assert.Equal(1, summary.ReportsInvalid);
        var error = File.ReadAllText(Path.Combine(site.Quarantine, Windows, "reports", "STATUS.json.error.txt"));
        Assert.Contains("databases[0].error_msg", error);
    }

    [Fact]
    public async Task A_deeply_nested_report_is_invalid()
    {
        await using var site = await TestSite.CreateAsync();
        site.WriteReport(Windows, "{\"agent_id\":\"" + Windows + "\",\"deep\":" + new string('[', 10_000) + new string(']', 10_000) + "}");

        var summary = await site.ScanAsync();

        Assert.Equal(1, summary.ReportsInvalid);
        var error = File.ReadAllText(Path.Combine(site.Quarantine, Windows, "reports", "STATUS.json.error.txt"));
        Assert.Contains("depth", error);
    }

    [Fact]
    public async Task Huge_numbers_and_timestamps_at_the_ends_of_time_are_invalid_fields()
    {
        await using var site = await TestSite.CreateAsync();
        await site.AddJobAsync(Windows, "crm");
        var line = ReportJson.Success("crm", site.Now.AddMinutes(-5), "crm.sql.gz", new string('a', 64), 1);
        line["size_bytes"] = System.Text.Json.Nodes.JsonValue.Create(1e300);
        line["agent_transfer_process_timestamp_utc"] = "9999-12-31T23:59:59-14:00";
        site.WriteReport(Windows, ReportJson.Json(Windows, site.Now, line));

        var summary = await site.ScanAsync();

        Assert.Equal(1, summary.ReportsInvalid);
        var error = File.ReadAllText(Path.Combine(site.Quarantine, Windows, "reports", "STATUS.json.error.txt"));
        Assert.Contains("databases[0].size_bytes: must be an integer", error);
        Assert.Contains("databases[0].agent_transfer_process_timestamp_utc", error);
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59Z")]
    [InlineData("1970-01-01T00:00:00Z")]
    public async Task An_operation_time_at_the_ends_of_the_calendar_is_an_invalid_field(string timestamp)
    {
        await using var site = await TestSite.CreateAsync();
        var job = await site.AddJobAsync(Windows, "crm");
        var line = ReportJson.Failed("crm", site.Now);
        line["operation_timestamp_utc"] = timestamp;
        site.WriteReport(Windows, ReportJson.Json(Windows, site.Now, line));

        var summary = await site.ScanAsync();

        Assert.Equal(1, summary.ReportsInvalid);
        Assert.Empty(await site.EntriesAsync(job.Id));
        var error = File.ReadAllText(Path.Combine(site.Quarantine, Windows, "reports", "STATUS.json.error.txt"));
        Assert.Contains("databases[0].operation_timestamp_utc: must be between 2000-01-01 and 2100-01-01", error);
    }

    [Theory]
    [InlineData("error_msg")]
    [InlineData("logs_summary")]
    [InlineData("staged_file_name")]
    public async Task A_nul_character_in_a_text_field_is_an_invalid_field_on_every_database(string field)
    {
        await using var site = await TestSite.CreateAsync();
        var job = await site.AddJobAsync(Windows, "crm");
        var good = await site.AddJobAsync(Good, "sales");
        site.WriteReport(Good, ReportJson.Failed("sales", site.Now.AddMinutes(-5), "disk full"));
        var line = ReportJson.Failed("crm", site.Now.AddMinutes(-5), "disk full", "crm.sql.gz");
        line[field] = "before@NUL@after";
        site.WriteReport(Windows, ReportJson.Json(Windows, site.Now, line).Replace("@NUL@", "\\u0000", StringComparison.Ordinal));

        var summary = await site.ScanAsync();

        Assert.Equal((2, 1), (summary.ReportsRead, summary.ReportsInvalid));
        Assert.Empty(await site.EntriesAsync(job.Id));
        Assert.Single(await site.EntriesAsync(good.Id));
        var error = File.ReadAllText(Path.Combine(site.Quarantine, Windows, "reports", "STATUS.json.error.txt"));
        Assert.True(error.Contains($"databases[0].{field}: must not contain NUL"), error);
    }
}
