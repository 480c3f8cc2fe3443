using System.Security.Cryptography;
using System.Text.Json;

namespace BackupMonitor.Tests.Scale;

/// <summary>A large staging tree: many agents with one database each; every tenth backup arrives corrupted.</summary>
public sealed class StagingTree : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("bm-scale-").FullName;
    public int Agents { get; }
    public int Corrupted => Enumerable.Range(0, Agents).Count(IsCorrupted);

    public StagingTree(int agents, int fileBytes)
    {
        Agents = agents;
        var jobs = new List<string> { "company,city,neighborhood,database,hour,minute" };
        for (var i = 0; i < agents; i++)
        {
            var agent = $"Co{i:0000}_City_Centre";
            var log = Directory.CreateDirectory(Path.Combine(Root, "staging", agent, "log")).FullName;
            var database = Directory.CreateDirectory(Path.Combine(Root, "staging", agent, "database")).FullName;
            var content = RandomNumberGenerator.GetBytes(fileBytes);
            File.WriteAllBytes(Path.Combine(database, "db.sql.gz"), content);
            var hash = IsCorrupted(i) ? new string('0', 64) : Convert.ToHexStringLower(SHA256.HashData(content));
            var report = new
            {
                agent_id = agent,
                report_timestamp_utc = "2026-11-23T02:15:00Z",
                databases = new[]
                {
                    new { db_name = "db", status = "success", operation_timestamp_utc = "2026-11-23T02:10:00Z", staged_file_name = "db.sql.gz", hash_sha256 = hash, size_bytes = fileBytes },
                },
            };
            File.WriteAllText(Path.Combine(log, "STATUS.json"), JsonSerializer.Serialize(report));
            jobs.Add($"Co{i:0000},City,Centre,db,2,0");
        }
        File.WriteAllLines(JobsCsv, jobs);
    }

    public string JobsCsv => Path.Combine(Root, "jobs.csv");

    public static bool IsCorrupted(int agent) => agent % 10 == 0;

    public int FilesUnder(string area) =>
        Directory.Exists(Path.Combine(Root, area)) ? Directory.EnumerateFiles(Path.Combine(Root, area), "*", SearchOption.AllDirectories).Count() : 0;

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
