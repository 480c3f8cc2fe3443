using BackupMonitor.Tests.Support;

namespace BackupMonitor.Tests.Scanning;

/// <summary>
/// Both providers keep timestamps to the same precision (whole microseconds, PostgreSQL's), so the same report
/// gives the same entry on SQLite and PostgreSQL, and a re-sent report still finds it. Runs on both in CI.
/// </summary>
public sealed class TimestampPrecisionTests
{
    private const string Agent = "ACME_Paris_Centre";

    [Fact]
    public async Task A_resent_report_with_sub_microsecond_timestamps_creates_nothing_new_and_is_archived()
    {
        await using var site = await TestSite.CreateAsync();
        await site.AddJobAsync(Agent, "sales");
        var hash = site.WriteBackup(Agent, "sales.sql.gz", "the dump");
        var line = ReportJson.Success("sales", TestClock.DefaultStart.AddHours(-1), "sales.sql.gz", hash, 8);
        line["operation_timestamp_utc"] = TestClock.DefaultStart.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss") + ".1234567Z";
        var report = site.WriteReport(Agent, line);
        var text = File.ReadAllText(report);

        var first = await site.ScanAsync();
        var resent = site.WriteReport(Agent, text);
        var second = await site.ScanAsync();

        Assert.Equal(1, first.EntriesCreated);
        Assert.Equal(0, second.EntriesCreated);
        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal(TestClock.DefaultStart.AddHours(-1).AddTicks(1_234_560), entry.AgentReportTimestampUtc);
        Assert.False(File.Exists(resent), "the re-sent report must not stay in staging");
    }
}
