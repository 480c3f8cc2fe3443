using System.Globalization;
using BackupMonitor.Configuration;

namespace BackupMonitor.Files;

/// <summary>Where every file lives (SPEC §4). Paths stored in the database are relative to their area, with '/'.</summary>
public sealed class StorageLayout(StorageOptions storage)
{
    public StorageOptions Areas => storage;

    public string AgentLogFolder(string agentId) => Path.Combine(storage.Staging, agentId, "log");
    public string AgentDatabaseFolder(string agentId) => Path.Combine(storage.Staging, agentId, "database");
    public string StagedFile(string agentId, string stagedFileName) => Path.Combine(AgentDatabaseFolder(agentId), stagedFileName);

    /// <summary>`agent/db/yyyyMMddTHHmmssZ_name`, relative to validated or quarantine.</summary>
    public static string BackupRelativePath(string agentId, string databaseName, DateTime operationUtc, string stagedFileName) =>
        $"{agentId}/{databaseName}/{operationUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}_{stagedFileName}";

    public static string ArchiveRelativePath(string agentId, DateTime reportUtc, string fileName) =>
        $"{agentId}/{reportUtc.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/{fileName}";

    public static string QuarantinedReportRelativePath(string agentId, string fileName) => $"{agentId}/reports/{fileName}";

    public static string Absolute(string area, string relativePath) => Path.Combine(area, relativePath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>
    /// The relative path itself, then `name-1.ext`, `name-2.ext`… (suffix before the first dot of the file name):
    /// the candidates a file may have been given in <paramref name="area"/>.
    /// </summary>
    public static IEnumerable<string> Candidates(string relativePath)
    {
        yield return relativePath;
        var slash = relativePath.LastIndexOf('/');
        var folder = relativePath[..(slash + 1)];
        var name = relativePath[(slash + 1)..];
        // Backups carry a `yyyyMMddTHHmmssZ_` prefix: the suffix goes before the first dot of the staged name.
        var prefix = name.Length > 17 && name[16] == '_' && name[8] == 'T' && name[15] == 'Z' ? 17 : 0;
        var dot = name.IndexOf('.', prefix);
        var stem = dot < 0 ? name : name[..dot];
        var extension = dot < 0 ? "" : name[dot..];
        for (var n = 1; ; n++) yield return $"{folder}{stem}-{n}{extension}";
    }

    /// <summary>The first candidate that does not exist yet in <paramref name="area"/>.</summary>
    public static string FreeRelativePath(string area, string relativePath) =>
        Candidates(relativePath).First(candidate => !Path.Exists(Absolute(area, candidate)));
}
