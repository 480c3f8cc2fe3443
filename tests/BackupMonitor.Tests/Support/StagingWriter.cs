using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace BackupMonitor.Tests.Support;

/// <summary>
/// Writes what agents leave in staging (SPEC §3): backup files in <c>&lt;agent&gt;/database/</c> and reports in
/// <c>&lt;agent&gt;/log/</c>, each report settled (last written an hour before now on <paramref name="time"/>'s clock
/// unless told otherwise). The text of a report comes from <see cref="ReportJson"/>.
/// </summary>
public sealed class StagingWriter(string staging, TimeProvider time)
{
    public static readonly TimeSpan Settled = TimeSpan.FromHours(1);

    public string Staging => staging;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public string StagedPath(string agentId, string fileName) => Path.Combine(staging, agentId, "database", fileName);
    public string ReportPath(string agentId, string fileName) => Path.Combine(staging, agentId, "log", fileName);

    /// <summary>Writes a backup file into staging and returns its lowercase SHA-256.</summary>
    public string WriteBackup(string agentId, string fileName, byte[] content)
    {
        var path = StagedPath(agentId, fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return Sha256(content);
    }

    public string WriteBackup(string agentId, string fileName, string content = "-- dump\n") =>
        WriteBackup(agentId, fileName, Encoding.UTF8.GetBytes(content));

    /// <summary>Writes a report's text (UTF-8, no BOM) and returns its path.</summary>
    public string WriteReport(string agentId, string text, string fileName = "STATUS.json", TimeSpan? age = null) =>
        WriteReportBytes(agentId, new UTF8Encoding(false).GetBytes(text), fileName, age);

    /// <summary>Writes a report's exact bytes (any encoding) and returns its path.</summary>
    public string WriteReportBytes(string agentId, byte[] bytes, string fileName = "STATUS.json", TimeSpan? age = null)
    {
        var path = ReportPath(agentId, fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, Now - (age ?? Settled));
        return path;
    }

    /// <summary>A STATUS.json of these lines, stamped now.</summary>
    public string WriteReport(string agentId, params JsonObject[] lines) =>
        WriteReport(agentId, ReportJson.Json(agentId, Now, lines));

    /// <summary>
    /// What an agent ships after a good backup made at <paramref name="operationUtc"/>: the file
    /// (<c>&lt;database&gt;_&lt;yyyyMMddHHmm&gt;.sql.gz</c>) and its own report naming its hash and size. Returns the report's path.
    /// </summary>
    public string WriteSuccessfulBackup(string agentId, string database, DateTime operationUtc, byte[]? content = null)
    {
        content ??= Encoding.UTF8.GetBytes($"-- dump of {database}\n" + new string('x', 1000));
        var fileName = $"{database}_{operationUtc:yyyyMMddHHmm}.sql.gz";
        var hash = WriteBackup(agentId, fileName, content);
        return WriteReport(agentId, ReportJson.Json(agentId, operationUtc.AddMinutes(1), ReportJson.Success(database, operationUtc, fileName, hash, content.Length)),
            fileName: $"STATUS_{database}_{operationUtc:yyyyMMddHHmm}.json");
    }

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
