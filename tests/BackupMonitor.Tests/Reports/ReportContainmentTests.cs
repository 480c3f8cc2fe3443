using System.Text;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Tests.Reports;

/// <summary>SPEC §3: no report, however broken, stops a scan; one that cannot be filed now waits for the next scan.</summary>
public class ReportContainmentTests
{
    private const string Bad = "Initech_Evry_Gare";
    private const string Good = "ACME_Paris_Centre";

    [Fact]
    public async Task Scan_command_exits_0_and_processes_the_other_agents_when_one_report_is_latin1()
    {
        using var cli = new CliHarness();
        await cli.AddJobAsync("ACME", "Paris", "Centre", "sales");
        var now = cli.Time.GetUtcNow().UtcDateTime;
        cli.Agents.WriteReport(Good, ReportJson.Json(Good, now, ReportJson.Failed("sales", now.AddMinutes(-5), "disk full")));
        cli.Agents.WriteReportBytes(Bad, Encoding.Latin1.GetBytes(ReportJson.Json(Bad, now, ReportJson.Failed("crm", now.AddMinutes(-5), "disque plein à Évry\nréessayer"))));

        var run = await cli.RunAsync("scan");

        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains("Reports read: 2 (1 invalid, quarantined)", run.Out);
        Assert.Contains("Entries created: 1", run.Out);
        Assert.True(File.Exists(Path.Combine(cli.DataRoot, "quarantine", Bad, "reports", "STATUS.json.error.txt")));
    }

    [Fact]
    public async Task An_invalid_report_that_cannot_be_quarantined_now_stays_in_staging_for_the_next_scan()
    {
        await using var site = await TestSite.CreateAsync();
        var goodJob = await site.AddJobAsync(Good, "sales");
        site.WriteReport(Good, ReportJson.Failed("sales", site.Now.AddMinutes(-5), "disk full"));
        var badReport = site.WriteReport(Bad, "{ not json");
        var blocker = Path.Combine(site.Quarantine, Bad);
        File.WriteAllText(blocker, "a file where the agent's quarantine folder should be");

        var first = await site.ScanAsync();

        Assert.Equal(1, first.EntriesCreated);
        Assert.Single(await site.EntriesAsync(goodJob.Id));
        Assert.True(File.Exists(badReport));
        Assert.Contains(site.Logs.Records, m => m.Level == LogLevel.Error && m.Message.Contains($"{Bad}/log/STATUS.json") && m.Message.Contains("stays in staging"));

        File.Delete(blocker);
        await site.ScanAsync();

        Assert.False(File.Exists(badReport));
        var error = File.ReadAllText(Path.Combine(site.Quarantine, Bad, "reports", "STATUS.json.error.txt"));
        Assert.Contains("malformed JSON", error);
    }

    [Fact]
    public async Task A_named_pipe_in_place_of_a_report_is_quarantined_without_being_opened()
    {
        await using var site = await TestSite.CreateAsync();
        var goodJob = await site.AddJobAsync(Good, "sales");
        site.WriteReport(Good, ReportJson.Failed("sales", site.Now.AddMinutes(-5), "disk full"));
        var pipe = site.ReportPath(Bad, "STATUS.json");
        Directory.CreateDirectory(Path.GetDirectoryName(pipe)!);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [pipe]))
            await mkfifo.WaitForExitAsync();
        File.SetLastWriteTimeUtc(pipe, site.Now.AddHours(-1));

        // Opening the pipe would wait for a writer forever: the guard only ends the test if that happens.
        var summary = await site.ScanAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal((2, 1), (summary.ReportsRead, summary.ReportsInvalid));
        Assert.Single(await site.EntriesAsync(goodJob.Id));
        Assert.Contains("not a regular file", File.ReadAllText(Path.Combine(site.Quarantine, Bad, "reports", "STATUS.json.error.txt")));
    }
}
