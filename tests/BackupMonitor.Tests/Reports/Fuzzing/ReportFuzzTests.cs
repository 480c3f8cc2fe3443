using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BackupMonitor.Tests.Reports.Fuzzing;

/// <summary>A damaged report of agent Fuzz_NN: what was done to its good original.</summary>
public sealed record FuzzedReport(IReadOnlyList<ReportMutation> Mutations)
{
    public override string ToString() => $"[{string.Join(", ", Mutations)}]";
}

/// <summary>One site: good reports beside damaged ones, each in its own agent's folder, scanned together.</summary>
public sealed record FuzzSite(int GoodReports, IReadOnlyList<FuzzedReport> Damaged)
{
    public override string ToString() =>
        $"{GoodReports} good, {Damaged.Count} damaged:\n" + string.Join("\n", Damaged.Select((d, i) => $"  Fuzz_{i:D2}: {d}"));
}

public static class FuzzArbitraries
{
    /// <summary>No shrinking: each try is a real scan; the failing report is named in the assertion instead.</summary>
    public static Arbitrary<FuzzSite> Site() => Arb.From(
        from good in Gen.Choose(5, 12)
        from damaged in Gen.Choose(1, 3).SelectMany(n => ReportMutation.Any.ArrayOf(n)).Select(m => new FuzzedReport(m)).ArrayOf(40)
        select new FuzzSite(good, damaged));
}

/// <summary>
/// SPEC §3 under fire: the real scan (real SQLite or PostgreSQL database, real staging folder) is fed hundreds of
/// damaged reports beside good ones. It must return normally, process every good report, file every damaged one
/// (archived if still valid, else quarantined with a reason), and touch nothing outside its four areas.
/// </summary>
public class ReportFuzzTests
{
    private const string Database = "db";

    [Property(MaxTest = 5, Arbitrary = [typeof(FuzzArbitraries)])]
    public async Task The_scan_files_every_report_whatever_its_bytes_and_stops_for_none(FuzzSite fuzz)
    {
        await using var site = await TestSite.CreateAsync();
        var outside = Path.Combine(site.Root, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "keep.txt"), "not the monitor's");
        File.WriteAllText(Path.Combine(site.Root, "STATUS.json"), "{}");
        var before = Outside(site);

        var good = Enumerable.Range(0, fuzz.GoodReports).Select(i => $"Good_{i:D2}").ToList();
        var damaged = fuzz.Damaged.Select((d, i) => (Agent: $"Fuzz_{i:D2}", d.Mutations)).ToList();
        var jobs = (await site.AddJobsAsync(good.Concat(damaged.Select(d => d.Agent)), Database)).ToDictionary(j => j.AgentIdResponsible, j => j.Id);
        var staged = new Dictionary<string, byte[]>();
        foreach (var agent in jobs.Keys)
        {
            staged[agent] = Encoding.UTF8.GetBytes($"-- dump of {agent}\n");
            site.WriteBackup(agent, $"{Database}.sql.gz", staged[agent]);
        }
        foreach (var agent in good) site.WriteReportBytes(agent, Encoding.UTF8.GetBytes(ReportJson.Serialize(GoodReport(site, agent, staged[agent]))));
        foreach (var (agent, mutations) in damaged) site.WriteReportBytes(agent, ReportMutation.Apply(GoodReport(site, agent, staged[agent]), mutations));

        var summary = await site.ScanAsync();

        var quarantined = 0;
        foreach (var agent in good)
        {
            Assert.True(Archived(site, agent), $"good report of {agent} was not archived");
            var entry = Assert.Single(await site.EntriesAsync(jobs[agent]));
            Assert.Equal(BackupEntryStatus.Success, entry.Status);
            Assert.True(File.Exists(Path.Combine(site.Validated, entry.ValidatedPath!.Replace('/', Path.DirectorySeparatorChar))), $"{agent}: no validated copy");
        }
        foreach (var (agent, mutations) in damaged)
        {
            var what = $"{agent} {new FuzzedReport(mutations)}";
            Assert.False(File.Exists(site.ReportPath(agent, "STATUS.json")), $"left in staging: {what}; log: {string.Join(" | ", site.Logs.Records.Where(m => m.Message.Contains(agent)).Select(m => m.Message))}");
            var quarantine = Path.Combine(site.Quarantine, agent, "reports", "STATUS.json");
            var inQuarantine = File.Exists(quarantine);
            Assert.True(inQuarantine != Archived(site, agent), $"neither or both archived and quarantined: {what}");
            if (!inQuarantine) continue;
            quarantined++;
            var error = File.ReadAllBytes(quarantine + ".error.txt");
            Assert.True(error.Length > 0 && error[0] != 0xEF, $"empty error file, or one with a BOM: {what}");
            Assert.Contains("Problems (field: rule):\n  - ", Encoding.UTF8.GetString(error));
            // An invalid report moves nothing: its backup file is where the agent left it.
            Assert.Equal(staged[agent], File.ReadAllBytes(site.StagedPath(agent, $"{Database}.sql.gz")));
            Assert.DoesNotContain(await site.EntriesAsync(jobs[agent]), e => e.Status == BackupEntryStatus.Success);
        }
        Assert.Equal(good.Count + damaged.Count, summary.ReportsRead);
        Assert.Equal(quarantined, summary.ReportsInvalid);
        Assert.Equal(before, Outside(site));

        // Nothing is left for a next scan, which runs as normally.
        Assert.Equal(0, (await site.ScanAsync()).ReportsRead);
    }

    private static JsonObject GoodReport(TestSite site, string agent, byte[] staged) =>
        JsonNode.Parse(ReportJson.Json(agent, site.Now.AddMinutes(-5),
            ReportJson.Success(Database, site.Now.AddMinutes(-20), $"{Database}.sql.gz", TestSite.Sha256(staged), staged.Length)))!.AsObject();

    private static bool Archived(TestSite site, string agent) =>
        TestSite.FilesUnder(Path.Combine(site.Archive, agent)).Count == 1;

    /// <summary>Every file outside the four storage areas and the database, with its content and time.</summary>
    private static List<string> Outside(TestSite site)
    {
        var areas = new[] { site.Staging, site.Validated, site.Archive, site.Quarantine }.Select(Path.GetFullPath).ToList();
        return Directory.EnumerateFiles(site.Root, "*", SearchOption.AllDirectories)
            .Where(f => !areas.Any(a => Path.GetFullPath(f).StartsWith(a + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            .Where(f => !Path.GetFileName(f).StartsWith("backupmonitor.db", StringComparison.Ordinal))
            .Select(f => $"{Path.GetRelativePath(site.Root, f)} {TestSite.Sha256(File.ReadAllBytes(f))} {File.GetLastWriteTimeUtc(f):O}")
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
