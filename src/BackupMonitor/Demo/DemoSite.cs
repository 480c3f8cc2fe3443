using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;

namespace BackupMonitor.Demo;

/// <summary>
/// A sample staging tree with one job of each outcome: success, failed, hash mismatch, transfer integrity
/// failed, missing and corrupt (a gzip'd SQL dump cut short, announced with its matching hash), plus one
/// malformed report. Times are relative to now so that the scan decides them.
/// </summary>
public static class DemoSite
{
    public sealed record DemoJob(string Company, string City, string Neighborhood, string Database, string Outcome);

    public static readonly IReadOnlyList<DemoJob> Jobs =
    [
        new("ACME", "Paris", "Centre", "sales", "success"),
        new("ACME", "Paris", "Centre", "inventory", "sqlite"),
        new("ACME", "Paris", "Centre", "hr", "failed"),
        new("ACME", "Lyon", "Part-Dieu", "stock", "hash_mismatch"),
        new("Globex", "Marseille", "Vieux Port", "crm", "transfer_integrity_failed"),
        new("Globex", "Marseille", "Vieux Port", "erp", "missing"),
        new("Globex", "Lille", "Euralille", "ledger", "corrupt"),
    ];

    /// <summary>Registers the jobs (as if three hours ago) and writes the agents' files under <paramref name="staging"/>.</summary>
    public static async Task BuildAsync(BackupMonitorDbContext db, string staging, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var now = new DateTime(nowUtc.Ticks - nowUtc.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
        var expected = now.AddHours(-1);
        var operation = now.AddMinutes(-50);
        var reports = new Dictionary<string, JsonArray>();

        foreach (var demo in Jobs)
        {
            var agent = Names.DefaultAgentId(demo.Company, demo.City, demo.Neighborhood);
            var missingOne = demo.Outcome == "missing";
            var cycle = missingOne ? now.AddMinutes(-150) : expected;
            db.Jobs.Add(new ExpectedBackupJob
            {
                CompanyName = demo.Company, City = demo.City, Neighborhood = demo.Neighborhood, DatabaseName = demo.Database,
                AgentIdResponsible = agent, ExpectedHourUtc = cycle.Hour, ExpectedMinuteUtc = cycle.Minute, GraceMinutes = 60,
                CreatedAtUtc = now.AddHours(-3),
            });
            if (missingOne) continue;

            var sqlite = demo.Outcome == "sqlite";
            var fileName = $"{demo.Database}_{operation:yyyyMMdd}.{(sqlite ? "sqlite.gz" : "sql.gz")}";
            var content = sqlite ? GzippedSqlite(demo.Database) : GzippedDump(demo.Database, agent);
            if (demo.Outcome == "corrupt") content = content[..(content.Length * 2 / 3)]; // the upload stopped; the agent hashed what it had
            var claimedHash = Convert.ToHexStringLower(SHA256.HashData(content));
            var line = new JsonObject
            {
                ["db_name"] = demo.Database,
                ["operation_timestamp_utc"] = Iso(operation),
                ["agent_transfer_process_start_time_utc"] = Iso(operation.AddMinutes(1)),
                ["agent_transfer_process_timestamp_utc"] = Iso(operation.AddMinutes(4)),
                ["logs_summary"] = "dump 12 s, gzip 3 s, upload 40 s",
            };
            switch (demo.Outcome)
            {
                case "failed":
                    line["status"] = "failed";
                    line["error_msg"] = "pg_dump: connection to server refused";
                    line["agent_transfer_process_status"] = "not_started";
                    content = [];
                    break;
                case "transfer_integrity_failed":
                    line["status"] = "transfer_integrity_failed";
                    line["agent_transfer_process_status"] = "failed";
                    line["agent_transfer_error_message"] = "checksum after upload differs from local file";
                    line["staged_file_name"] = fileName;
                    break;
                default:
                    line["status"] = "success";
                    line["agent_transfer_process_status"] = "completed";
                    line["staged_file_name"] = fileName;
                    line["size_bytes"] = content.Length;
                    line["hash_sha256"] = claimedHash;
                    if (demo.Outcome == "hash_mismatch") content[^1] = (byte)'y'; // corrupted in transit
                    break;
            }
            if (content.Length > 0)
            {
                var folder = Directory.CreateDirectory(Path.Combine(staging, agent, "database")).FullName;
                await File.WriteAllBytesAsync(Path.Combine(folder, fileName), content, cancellationToken);
            }
            if (!reports.TryGetValue(agent, out var lines)) reports[agent] = lines = [];
            lines.Add(line);
        }
        await db.SaveChangesAsync(cancellationToken);

        foreach (var (agent, lines) in reports)
        {
            var report = new JsonObject { ["agent_id"] = agent, ["report_timestamp_utc"] = Iso(operation.AddMinutes(5)), ["databases"] = lines };
            await WriteReportAsync(staging, agent, "STATUS.json", report.ToJsonString(new() { WriteIndented = true }), now, cancellationToken);
        }
        // An agent whose report is broken: it goes to the quarantine with an explanation.
        await WriteReportAsync(staging, "Initech_Nantes_Gare", "STATUS.json",
            $$"""{"agent_id": "Initech_Nantes_Gare", "report_timestamp_utc": "{{Iso(operation)}}", "databases": [{"db_name": "billing", "status": "success", "operation_timestamp_utc": "{{Iso(operation)}}", "staged_file_name": "../billing.sql.gz", "hash_sha256": "not-a-hash", "size_bytes": 10}]}""",
            now, cancellationToken);
    }

    /// <summary>A small plain pg_dump, gzip'd: its header comment and completion line make the content check pass.</summary>
    private static byte[] GzippedDump(string database, string agent)
    {
        var sql = new StringBuilder("--\n-- PostgreSQL database dump\n--\n\n");
        sql.Append($"-- demo dump of {database} for {agent}\n\nCREATE TABLE public.items (id integer NOT NULL, label text);\n\n");
        sql.Append("COPY public.items (id, label) FROM stdin;\n");
        for (var i = 1; i <= 400; i++) sql.Append($"{i}\titem {i} of {database} {Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i)))[..16]}\n");
        sql.Append("\\.\n\n--\n-- PostgreSQL database dump complete\n--\n\n");
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal)) gzip.Write(Encoding.UTF8.GetBytes(sql.ToString()));
        return compressed.ToArray();
    }

    /// <summary>A small real SQLite database (a site's application database), gzip'd: the demo drills it after the scan.</summary>
    private static byte[] GzippedSqlite(string database)
    {
        var path = Path.Combine(Path.GetTempPath(), $"backupmonitor-demo-{Guid.NewGuid():N}.sqlite");
        try
        {
            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText =
                    $"CREATE TABLE articles (id INTEGER PRIMARY KEY, label TEXT NOT NULL, quantity INTEGER NOT NULL);" +
                    $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250) INSERT INTO articles SELECT i, '{database} article ' || i, i % 17 FROM n;" +
                    "CREATE TABLE stores (id INTEGER PRIMARY KEY, city TEXT); INSERT INTO stores (city) VALUES ('Paris'), ('Lyon'), ('Lille');";
                command.ExecuteNonQuery();
            }
            using var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal)) gzip.Write(File.ReadAllBytes(path));
            return compressed.ToArray();
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task WriteReportAsync(string staging, string agent, string name, string json, DateTime now, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateDirectory(Path.Combine(staging, agent, "log")).FullName;
        var path = Path.Combine(folder, name);
        await File.WriteAllTextAsync(path, json, cancellationToken);
        File.SetLastWriteTimeUtc(path, now.AddMinutes(-10)); // settled, as if written by the agent earlier
    }

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
}
