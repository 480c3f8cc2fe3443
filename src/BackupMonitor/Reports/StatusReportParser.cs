using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using BackupMonitor.Domain;

namespace BackupMonitor.Reports;

/// <summary>
/// Validates a report against SPEC §3 and says, for every problem, which field broke which rule.
/// Pure: bytes in, a report or a list of problems out.
/// </summary>
public static partial class StatusReportParser
{
    public const int MaxReportBytes = 1024 * 1024;

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex IsoTimestampPattern();

    public sealed record Result(StatusReport? Report, IReadOnlyList<string> Problems)
    {
        public bool IsValid => Report is not null;
    }

    /// <summary>Validates a report file's bytes, in any encoding <see cref="ReportEncoding"/> reads.</summary>
    public static Result Parse(ReadOnlySpan<byte> bytes, string folderAgentId)
    {
        if (bytes.Length > MaxReportBytes)
            return Invalid($"file: larger than 1 MiB ({bytes.Length} bytes); reports are limited to {MaxReportBytes} bytes");
        var decoded = ReportEncoding.ToUtf8(bytes.ToArray());
        if (decoded.Problem is { } encodingProblem) return Invalid(encodingProblem);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(decoded.Utf8, new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            return Invalid($"file: malformed JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {FirstSentence(e.Message)}");
        }

        using (document)
        {
            var problems = new List<string>();
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Invalid($"file: the top level must be a JSON object, got {Describe(root)}");

            var agentId = RequiredString(root, "agent_id", "agent_id", problems);
            if (agentId is not null && !Names.IsValidIdentifier(agentId))
                problems.Add($"agent_id: {Names.IdentifierRule}, got '{Shorten(agentId)}'");
            else if (agentId is not null && agentId != folderAgentId)
                problems.Add($"agent_id: '{agentId}' does not match the folder it sits in ('{folderAgentId}')");
            var reportTimestamp = RequiredTimestamp(root, "report_timestamp_utc", "report_timestamp_utc", problems);

            var lines = new List<ReportLine>();
            if (!root.TryGetProperty("databases", out var databases) || databases.ValueKind == JsonValueKind.Null)
                problems.Add("databases: required, must be a non-empty array");
            else if (databases.ValueKind != JsonValueKind.Array)
                problems.Add($"databases: must be an array, got {Describe(databases)}");
            else if (databases.GetArrayLength() == 0)
                problems.Add("databases: must hold at least one item");
            else
            {
                var index = 0;
                foreach (var item in databases.EnumerateArray())
                {
                    var line = ParseLine(item, $"databases[{index}]", problems);
                    if (line is not null) lines.Add(line);
                    index++;
                }
            }

            if (problems.Count > 0) return new Result(null, problems);
            return new Result(new StatusReport(agentId!, reportTimestamp!.Value, lines), []);
        }
    }

    private static ReportLine? ParseLine(JsonElement item, string path, List<string> problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{path}: must be an object, got {Describe(item)}");
            return null;
        }
        var before = problems.Count;
        var dbName = RequiredString(item, "db_name", $"{path}.db_name", problems);
        var statusText = RequiredString(item, "status", $"{path}.status", problems);
        AgentLineStatus? status = statusText switch
        {
            null => null,
            "success" => AgentLineStatus.Success,
            "failed" => AgentLineStatus.Failed,
            "transfer_integrity_failed" => AgentLineStatus.TransferIntegrityFailed,
            _ => null,
        };
        if (statusText is not null && status is null)
            problems.Add($"{path}.status: must be success, failed or transfer_integrity_failed, got '{statusText}'");
        var operation = RequiredTimestamp(item, "operation_timestamp_utc", $"{path}.operation_timestamp_utc", problems);

        var success = status == AgentLineStatus.Success;
        var stagedFileName = success
            ? RequiredString(item, "staged_file_name", $"{path}.staged_file_name", problems)
            : OptionalString(item, "staged_file_name", $"{path}.staged_file_name", problems);
        if (stagedFileName is not null && PlainFileNameProblem(stagedFileName) is { } nameProblem)
            problems.Add($"{path}.staged_file_name: {nameProblem}, got '{Shorten(stagedFileName)}'");
        else if (stagedFileName is not null && InProgressSuffix(stagedFileName) is { } suffix)
            problems.Add($"{path}.staged_file_name: must not end in '.part' or '.tmp' (uploads still in progress, which the monitor leaves alone); it ends in '{suffix}': rename the file when its upload is complete and report that name, got '{Shorten(stagedFileName)}'");

        var hash = success
            ? RequiredString(item, "hash_sha256", $"{path}.hash_sha256", problems)
            : OptionalString(item, "hash_sha256", $"{path}.hash_sha256", problems);
        if (hash is not null && !Sha256Pattern().IsMatch(hash))
            problems.Add($"{path}.hash_sha256: must be 64 hexadecimal digits, got '{Shorten(hash)}' ({hash.Length} characters)");

        var size = OptionalCount(item, "size_bytes", $"{path}.size_bytes", problems, required: success);
        var pre = OptionalCount(item, "compress_size_pre_compress", $"{path}.compress_size_pre_compress", problems, required: false);
        var post = OptionalCount(item, "compress_size_post_compress", $"{path}.compress_size_post_compress", problems, required: false);
        var transferStatus = OptionalString(item, "agent_transfer_process_status", $"{path}.agent_transfer_process_status", problems);
        var transferStart = OptionalTimestamp(item, "agent_transfer_process_start_time_utc", $"{path}.agent_transfer_process_start_time_utc", problems);
        var transferEnd = OptionalTimestamp(item, "agent_transfer_process_timestamp_utc", $"{path}.agent_transfer_process_timestamp_utc", problems);
        var transferError = OptionalString(item, "agent_transfer_error_message", $"{path}.agent_transfer_error_message", problems);
        var errorMsg = OptionalString(item, "error_msg", $"{path}.error_msg", problems);
        var logs = OptionalString(item, "logs_summary", $"{path}.logs_summary", problems);

        if (problems.Count > before) return null;
        return new ReportLine(dbName!, status!.Value, operation!.Value, stagedFileName, hash?.ToLowerInvariant(), size, pre, post,
            transferStatus, transferStart, transferEnd, transferError, errorMsg, logs);
    }

    /// <summary>Null when <paramref name="name"/> is a plain file name (SPEC §3), else the rule it breaks.</summary>
    public static string? PlainFileNameProblem(string name)
    {
        if (name.Length == 0) return "must not be empty";
        if (name.Contains('/') || name.Contains('\\')) return "must be a plain file name without '/' or '\\'";
        if (name.Contains("..")) return "must not contain '..'";
        if (name.Contains('\0')) return "must not contain NUL";
        if (name.StartsWith('.')) return "must not start with '.'";
        // Filesystems limit a name to 255 bytes, and the validated copy adds `yyyyMMddTHHmmssZ_` (and maybe `-N`):
        // counted in characters, 60 four-byte characters would pass and make a name no filesystem accepts.
        if (name.Length > 200) return "must be at most 200 characters";
        if (System.Text.Encoding.UTF8.GetByteCount(name) > 200) return "must be at most 200 bytes in UTF-8 (file systems limit a name to 255 bytes)";
        return null;
    }

    /// <summary>The suffix (`.part`, `.tmp`, any case) that marks an upload still in progress, or null.</summary>
    public static string? InProgressSuffix(string name) =>
        name.EndsWith(".part", StringComparison.OrdinalIgnoreCase) ? ".part"
        : name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase) ? ".tmp"
        : null;

    private static string? RequiredString(JsonElement obj, string name, string path, List<string> problems)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            problems.Add($"{path}: required, missing");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{path}: must be a string, got {Describe(value)}");
            return null;
        }
        var text = Text(value, path, problems);
        if (text is null) return null;
        if (text.Length == 0)
        {
            problems.Add($"{path}: must not be empty");
            return null;
        }
        return text;
    }

    private static string? OptionalString(JsonElement obj, string name, string path, List<string> problems)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String) return Text(value, path, problems);
        problems.Add($"{path}: must be a string or null, got {Describe(value)}");
        return null;
    }

    /// <summary>A string's value; NUL, or an escape that names no character (a lone UTF-16 surrogate, `\ud800`), is the field's problem.</summary>
    private static string? Text(JsonElement value, string path, List<string> problems)
    {
        try
        {
            var text = value.GetString()!;
            if (!text.Contains('\0')) return text;
            // PostgreSQL cannot store it, and no agent means it: the same rule on every database.
            problems.Add($"{path}: must not contain NUL (\\u0000), got {Shorten(value.GetRawText())}");
            return null;
        }
        catch (InvalidOperationException e)
        {
            problems.Add($"{path}: not valid text ({e.Message.TrimEnd('.')}), got {Shorten(value.GetRawText())}");
            return null;
        }
    }

    private static long? OptionalCount(JsonElement obj, string name, string path, List<string> problems, bool required)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required) problems.Add($"{path}: required, missing");
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0) return number;
        problems.Add($"{path}: must be an integer ≥ 0, got {Describe(value)}");
        return null;
    }

    private static DateTime? RequiredTimestamp(JsonElement obj, string name, string path, List<string> problems)
    {
        var text = RequiredString(obj, name, path, problems);
        return text is null ? null : Timestamp(text, path, problems);
    }

    private static DateTime? OptionalTimestamp(JsonElement obj, string name, string path, List<string> problems)
    {
        var text = OptionalString(obj, name, path, problems);
        return text is null ? null : Timestamp(text, path, problems);
    }

    /// <summary>
    /// The times a report may name: an agent's clock reset to 1970 or 0001 is a broken report, and the monitor's
    /// cycle arithmetic (± days) must never step off the calendar.
    /// </summary>
    public static readonly DateTime EarliestTimestamp = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime LatestTimestamp = new(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static DateTime? Timestamp(string text, string path, List<string> problems)
    {
        if (IsoTimestampPattern().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            var utc = parsed.UtcDateTime;
            if (utc >= EarliestTimestamp && utc < LatestTimestamp) return Timestamps.Normalize(utc);
            problems.Add($"{path}: must be between 2000-01-01 and 2100-01-01 (UTC), got '{Shorten(text)}'");
            return null;
        }
        problems.Add($"{path}: must be an ISO 8601 timestamp with Z or an offset (2026-11-23T02:10:00Z), got '{Shorten(text)}'");
        return null;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string {Shorten(value.GetRawText())}",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    /// <summary>At most 80 characters, never cutting a surrogate pair in two (a lone half cannot be stored or printed).</summary>
    private static string Shorten(string text)
    {
        if (text.Length <= 80) return text;
        var cut = char.IsHighSurrogate(text[76]) ? 76 : 77;
        return text[..cut] + "...";
    }

    private static string FirstSentence(string message)
    {
        // The line and byte are already in the problem: drop the reader's own "Path: … | LineNumber: …" tail.
        foreach (var tail in new[] { " Path:", " LineNumber:" })
        {
            var cut = message.IndexOf(tail, StringComparison.Ordinal);
            if (cut > 0) message = message[..cut];
        }
        return message;
    }

    private static Result Invalid(string problem) => new(null, [problem]);
}
