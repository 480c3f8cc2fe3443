using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackupMonitor.Tests.Support;

/// <summary>Builds STATUS.json reports (SPEC §3) for tests.</summary>
public static class ReportJson
{
    public static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Non-ASCII text as itself, not as \u escapes: what agents write.</summary>
    private static readonly JsonSerializerOptions Raw = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Json(string agentId, DateTime reportTimestampUtc, params JsonObject[] lines)
    {
        var databases = new JsonArray();
        foreach (var line in lines) databases.Add(line);
        return new JsonObject
        {
            ["agent_id"] = agentId,
            ["report_timestamp_utc"] = Iso(reportTimestampUtc),
            ["databases"] = databases,
        }.ToJsonString(Raw);
    }

    /// <summary>A report built or changed as a <see cref="JsonObject"/>, written as agents write it.</summary>
    public static string Serialize(JsonObject report) => report.ToJsonString(Raw);

    public static JsonObject Success(string db, DateTime operationUtc, string stagedFileName, string hash, long size) => new()
    {
        ["db_name"] = db,
        ["status"] = "success",
        ["operation_timestamp_utc"] = Iso(operationUtc),
        ["staged_file_name"] = stagedFileName,
        ["hash_sha256"] = hash,
        ["size_bytes"] = size,
        ["agent_transfer_process_status"] = "completed",
        ["logs_summary"] = "dump 12 s, gzip 3 s, upload 40 s",
    };

    public static JsonObject Failed(string db, DateTime operationUtc, string? errorMsg = null, string? stagedFileName = null) => new()
    {
        ["db_name"] = db,
        ["status"] = "failed",
        ["operation_timestamp_utc"] = Iso(operationUtc),
        ["error_msg"] = errorMsg,
        ["staged_file_name"] = stagedFileName,
    };

    public static JsonObject IntegrityFailed(string db, DateTime operationUtc, string? errorMsg, string? stagedFileName) => new()
    {
        ["db_name"] = db,
        ["status"] = "transfer_integrity_failed",
        ["operation_timestamp_utc"] = Iso(operationUtc),
        ["staged_file_name"] = stagedFileName,
        ["error_msg"] = errorMsg,
        ["agent_transfer_error_message"] = "checksum after upload differs",
    };
}
