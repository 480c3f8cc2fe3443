namespace BackupMonitor.Tests.Scanning;

/// <summary>A job's lines are handled oldest first, one after the other, even when they name the same staged file.</summary>
public class LineOrderTests
{
    private const string Agent = "ACME_Paris_Centre";
    private static readonly DateTime Yesterday = new(2026, 11, 22, 2, 10, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Two_lines_of_one_job_naming_the_same_staged_file_give_it_to_the_older_line()
    {
        // Many jobs, several times: the file work runs on several workers at once, and lines of one job must not race.
        for (var attempt = 0; attempt < 5; attempt++) await OneScanAsync();
    }

    private static async Task OneScanAsync()
    {
        await using var site = await TestSite.CreateAsync(now: new DateTime(2026, 11, 23, 2, 30, 0, DateTimeKind.Utc));
        var databases = Enumerable.Range(0, 20).Select(i => $"db{i}").ToList();
        foreach (var db in databases) await site.AddJobAsync(Agent, db);
        var lines = databases.SelectMany(db =>
        {
            var hash = site.WriteBackup(Agent, $"{db}.sql.gz", $"dump of {db}");
            // The newer line first in the report: order comes from the operation times, not the report.
            return new[] { ReportJson.Success(db, Yesterday.AddDays(1), $"{db}.sql.gz", hash, 10), ReportJson.Success(db, Yesterday, $"{db}.sql.gz", hash, 10) };
        }).ToArray();
        site.WriteReport(Agent, lines);

        await site.ScanAsync();

        var entries = await site.EntriesAsync();
        Assert.Equal(40, entries.Count);
        Assert.All(entries.Where(e => e.AgentReportTimestampUtc == Yesterday), e => Assert.Equal(BackupEntryStatus.Success, e.Status));
        Assert.All(entries.Where(e => e.AgentReportTimestampUtc == Yesterday.AddDays(1)), e => Assert.Equal(BackupEntryStatus.Missing, e.Status));
    }
}
