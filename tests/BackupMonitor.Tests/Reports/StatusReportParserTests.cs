using System.Text;
using System.Text.Json.Nodes;
using BackupMonitor.Reports;

namespace BackupMonitor.Tests.Reports;

/// <summary>SPEC §3: every rule a report can break, and the field each problem names.</summary>
public class StatusReportParserTests
{
    private const string Agent = "ACME_Paris_Centre";
    private static readonly string Hash = new('a', 64);

    private static JsonObject ValidReport() => JsonNode.Parse(ReportJson.Json(Agent, new DateTime(2026, 11, 23, 2, 15, 0, DateTimeKind.Utc),
        ReportJson.Success("sales", new DateTime(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc), "sales_20261123.sql.gz", Hash, 1024)))!.AsObject();

    private static StatusReportParser.Result Parse(JsonObject report) => StatusReportParser.Parse(Encoding.UTF8.GetBytes(report.ToJsonString()), Agent);

    private static JsonObject Line(JsonObject report) => report["databases"]![0]!.AsObject();

    [Fact]
    public void Parse_accepts_a_valid_report_and_reads_every_field()
    {
        var report = ValidReport();
        Line(report)["hash_sha256"] = Hash.ToUpperInvariant();
        Line(report)["some_future_field"] = "ignored";

        var result = Parse(report);

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        var line = Assert.Single(result.Report!.Databases);
        Assert.Equal("sales", line.DbName);
        Assert.Equal(AgentLineStatus.Success, line.Status);
        Assert.Equal(new DateTime(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc), line.OperationTimestampUtc);
        Assert.Equal(Hash, line.HashSha256); // stored lowercase
        Assert.Equal(1024, line.SizeBytes);
    }

    [Fact]
    public void Parse_converts_an_offset_timestamp_to_utc()
    {
        var report = ValidReport();
        Line(report)["operation_timestamp_utc"] = "2026-11-23T04:10:00+02:00";

        var line = Assert.Single(Parse(report).Report!.Databases);

        Assert.Equal(new DateTime(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc), line.OperationTimestampUtc);
        Assert.Equal(DateTimeKind.Utc, line.OperationTimestampUtc.Kind);
    }

    [Fact]
    public void Parse_rejects_malformed_json()
    {
        var result = StatusReportParser.Parse("{\"agent_id\": \"ACME_Paris_Centre\","u8, Agent);

        Assert.False(result.IsValid);
        Assert.Contains("malformed JSON", Assert.Single(result.Problems));
    }

    [Fact]
    public void Parse_rejects_a_report_over_one_mebibyte()
    {
        var report = ValidReport();
        Line(report)["logs_summary"] = new string('x', StatusReportParser.MaxReportBytes);

        var problem = Assert.Single(Parse(report).Problems);

        Assert.Contains("larger than 1 MiB", problem);
    }

    [Theory]
    [InlineData("agent_id", "agent_id: required")]
    [InlineData("report_timestamp_utc", "report_timestamp_utc: required")]
    [InlineData("databases", "databases: required")]
    public void Parse_rejects_a_report_missing_a_required_top_level_field(string field, string expected)
    {
        var report = ValidReport();
        report.Remove(field);

        Assert.Contains(Parse(report).Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("db_name")]
    [InlineData("status")]
    [InlineData("operation_timestamp_utc")]
    [InlineData("staged_file_name")]
    [InlineData("hash_sha256")]
    [InlineData("size_bytes")]
    public void Parse_rejects_a_success_line_missing_a_required_field(string field)
    {
        var report = ValidReport();
        Line(report).Remove(field);

        Assert.Contains(Parse(report).Problems, p => p.StartsWith($"databases[0].{field}: required", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_accepts_a_failed_line_without_file_hash_or_size()
    {
        var report = ValidReport();
        report["databases"] = new JsonArray(ReportJson.Failed("sales", new DateTime(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc), "disk full"));

        Assert.True(Parse(report).IsValid);
    }

    [Theory]
    [InlineData("size_bytes", "\"1024\"", "databases[0].size_bytes: must be an integer")]
    [InlineData("size_bytes", "-1", "databases[0].size_bytes: must be an integer ≥ 0")]
    [InlineData("db_name", "42", "databases[0].db_name: must be a string")]
    [InlineData("compress_size_pre_compress", "\"big\"", "databases[0].compress_size_pre_compress: must be an integer")]
    [InlineData("error_msg", "{}", "databases[0].error_msg: must be a string or null")]
    public void Parse_rejects_a_mistyped_field(string field, string json, string expected)
    {
        var report = ValidReport();
        Line(report)[field] = JsonNode.Parse(json);

        Assert.Contains(Parse(report).Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("sub/sales.sql.gz")]
    [InlineData("sub\\sales.sql.gz")]
    [InlineData("sales..sql.gz")]
    [InlineData(".hidden.sql.gz")]
    [InlineData("sales\0.sql.gz")]
    public void Parse_rejects_a_staged_file_name_that_is_not_a_plain_file_name(string name)
    {
        var report = ValidReport();
        Line(report)["staged_file_name"] = name;

        Assert.Contains(Parse(report).Problems, p => p.StartsWith("databases[0].staged_file_name: must", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void Parse_rejects_a_hash_that_is_not_64_hex_digits(string hash)
    {
        var report = ValidReport();
        Line(report)["hash_sha256"] = hash;

        Assert.Contains(Parse(report).Problems, p => p.StartsWith("databases[0].hash_sha256: must be 64 hexadecimal digits", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_rejects_an_agent_id_that_does_not_match_its_folder()
    {
        var report = ValidReport();
        report["agent_id"] = "Globex_Lyon_Gare";

        var problem = Assert.Single(Parse(report).Problems);

        Assert.StartsWith("agent_id:", problem);
        Assert.Contains("does not match the folder", problem);
        Assert.Contains(Agent, problem);
    }

    [Fact]
    public void Parse_rejects_an_unknown_status()
    {
        var report = ValidReport();
        Line(report)["status"] = "partial";

        Assert.Contains(Parse(report).Problems, p => p.StartsWith("databases[0].status: must be success, failed or transfer_integrity_failed", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_rejects_an_empty_databases_array()
    {
        var report = ValidReport();
        report["databases"] = new JsonArray();

        Assert.Equal("databases: must hold at least one item", Assert.Single(Parse(report).Problems));
    }

    [Theory]
    [InlineData("report_timestamp_utc", "2026-11-23T02:15:00")]
    [InlineData("report_timestamp_utc", "23/11/2026 02:15")]
    public void Parse_rejects_a_report_timestamp_without_zone(string field, string value)
    {
        var report = ValidReport();
        report[field] = value;

        Assert.Contains(Parse(report).Problems, p => p.StartsWith($"{field}: must be an ISO 8601 timestamp with Z or an offset", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("operation_timestamp_utc")]
    [InlineData("agent_transfer_process_start_time_utc")]
    [InlineData("agent_transfer_process_timestamp_utc")]
    public void Parse_rejects_a_line_timestamp_without_zone(string field)
    {
        var report = ValidReport();
        Line(report)[field] = "2026-11-23T02:10:00";

        Assert.Contains(Parse(report).Problems, p => p.StartsWith($"databases[0].{field}: must be an ISO 8601 timestamp", StringComparison.Ordinal));
    }
}
