using System.Security.Cryptography;

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
        // Read by separate processes on the wall clock: the reports are settled by its reckoning.
        var staging = new StagingWriter(Path.Combine(Root, "staging"), TimeProvider.System);
        var operation = new DateTime(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc);
        for (var i = 0; i < agents; i++)
        {
            var agent = $"Co{i:0000}_City_Centre";
            var hash = staging.WriteBackup(agent, "db.sql.gz", RandomNumberGenerator.GetBytes(fileBytes));
            if (IsCorrupted(i)) hash = new string('0', 64);
            staging.WriteReport(agent, ReportJson.Json(agent, operation.AddMinutes(5), ReportJson.Success("db", operation, "db.sql.gz", hash, fileBytes)));
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
