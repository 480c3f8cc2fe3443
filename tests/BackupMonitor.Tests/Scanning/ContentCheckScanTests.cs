using System.Text.Json;
using BackupMonitor.Content;
using BackupMonitor.Tests.Content;
using BackupMonitor.Tests.Notifications;

namespace BackupMonitor.Tests.Scanning;

/// <summary>SPEC §5.1 through `backupmonitor scan`: corrupt content with a matching hash, CONTENT_CHECK=off, size drops.</summary>
public sealed class ContentCheckScanTests : IDisposable
{
    private readonly BackupFiles files = new();

    public void Dispose() => files.Dispose();

    private byte[] GzippedDump(int lines = 20_000)
    {
        files.Text($"dump{lines}.sql", lines, "--\n-- PostgreSQL database dump\n--\n", "--\n-- PostgreSQL database dump complete\n--\n\n");
        files.Sh($"gzip -f -k dump{lines}.sql");
        return File.ReadAllBytes(files.PathOf($"dump{lines}.sql.gz"));
    }

    [Fact]
    public async Task A_gzip_cut_short_announced_with_its_matching_hash_is_corrupt_quarantined_and_alerted()
    {
        using var site = new NotificationTestSite();
        var jobId = await site.AddJobAsync("sales");
        var whole = GzippedDump();
        var cut = whole[..(whole.Length - 4096)];
        await site.WriteReportAsync("sales", "success", content: cut);

        var run = await site.RunAsync("scan", "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using (var summary = JsonDocument.Parse(run.Out))
            Assert.Equal(1, summary.RootElement.GetProperty("by_status").GetProperty("corrupt").GetInt32());
        var entry = Assert.Single(await site.EntriesAsync());
        var detail = $"gzip: stream ends at byte {cut.Length} before its trailer";
        Assert.Equal((BackupEntryStatus.Corrupt, "gzip+postgresql_sql", ContentCheck.Failed, detail, false),
            (entry.Status, entry.ContentFormat, entry.ContentCheck, entry.ContentCheckDetail, entry.HashComparisonResult));
        Assert.Contains(detail, entry.ErrorMessage);
        Assert.Null(entry.ValidatedPath);
        Assert.Equal(cut, await File.ReadAllBytesAsync(Path.Combine(site.Folder, "data", "quarantine", entry.QuarantinePath!)));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(site.Staging, NotificationTestSite.Agent, "database")));

        var jobs = await site.RunAsync("jobs", "list", "--format", "json");
        using (var listed = JsonDocument.Parse(jobs.Out))
            Assert.Equal("corrupt", listed.RootElement.EnumerateArray().Single(j => j.GetProperty("id").GetInt32() == jobId).GetProperty("current_status").GetString());

        var (_, notice, message) = Assert.Single(await site.MessagesAsync());
        Assert.Equal((NoticeKind.Alert, "ALERTE SAUVEGARDE - sales - CORRUPT"), (notice.Kind, message.Subject));
        Assert.Contains($"failed (gzip+postgresql_sql) {detail}", message.Text);

        var listedEntries = await site.RunAsync("entries", "list", "--format", "json");
        using var entries = JsonDocument.Parse(listedEntries.Out);
        var json = entries.RootElement.EnumerateArray().Single();
        Assert.Equal(("corrupt", "gzip+postgresql_sql", "failed", detail),
            (json.GetProperty("status").GetString(), json.GetProperty("content_format").GetString(),
             json.GetProperty("content_check").GetString(), json.GetProperty("content_check_detail").GetString()));
    }

    [Fact]
    public async Task A_whole_backup_passes_and_is_promoted_and_a_failed_line_has_no_content_check()
    {
        using var site = new NotificationTestSite();
        await site.AddJobAsync("sales");
        await site.AddJobAsync("hr");
        await site.WriteReportAsync("sales", "success", content: GzippedDump());
        await site.WriteReportAsync("hr", "failed");

        await site.RunAsync("scan");

        var entries = await site.EntriesAsync();
        var sales = entries.Single(e => e.Status == BackupEntryStatus.Success);
        Assert.Equal(("gzip+postgresql_sql", ContentCheck.Passed, (string?)null), (sales.ContentFormat, sales.ContentCheck, sales.ContentCheckDetail));
        Assert.NotNull(sales.ValidatedPath);
        var hr = entries.Single(e => e.Status == BackupEntryStatus.Failed);
        Assert.Equal(((string?)null, (ContentCheck?)null, (string?)null), (hr.ContentFormat, hr.ContentCheck, hr.ContentCheckDetail));
    }

    [Fact]
    public async Task Content_check_off_lets_a_damaged_backup_through_and_says_it_was_not_checked()
    {
        using var site = new NotificationTestSite();
        site.Environment["CONTENT_CHECK"] = "off";
        await site.AddJobAsync("sales");
        var whole = GzippedDump();
        await site.WriteReportAsync("sales", "success", content: whole[..(whole.Length / 2)]);

        await site.RunAsync("scan");

        var entry = Assert.Single(await site.EntriesAsync());
        Assert.Equal((BackupEntryStatus.Success, ContentCheck.Skipped, ContentVerdict.Off.Detail), (entry.Status, entry.ContentCheck, entry.ContentCheckDetail));
    }

    [Fact]
    public async Task A_bad_content_check_setting_stops_the_program_naming_it()
    {
        using var site = new NotificationTestSite();
        site.Environment["CONTENT_CHECK"] = "sometimes";

        var run = await site.RunAsync("scan");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("CONTENT_CHECK", run.Err);
    }

    [Theory]
    [InlineData("fr", "AVERTISSEMENT SAUVEGARDE - sales - TAILLE ANORMALE")]
    [InlineData("en", "BACKUP WARNING - sales - SIZE DROP")]
    public async Task A_success_far_below_the_usual_size_stays_a_success_and_raises_a_warning(string language, string subject)
    {
        using var site = new NotificationTestSite();
        site.Environment["NOTIFICATION_LANGUAGE"] = language;
        await site.AddJobAsync("sales");
        var usual = GzippedDump();
        for (var i = 3; i >= 1; i--)
        {
            await site.WriteReportAsync("sales", "success", site.Now.AddMinutes(-50 - i), usual);
            await site.RunAsync("scan");
        }
        Assert.Empty(await site.NoticesAsync());

        var small = GzippedDump(200);
        await site.WriteReportAsync("sales", "success", site.Now.AddMinutes(-50), small);
        await site.RunAsync("scan");

        var last = (await site.EntriesAsync()).Last();
        Assert.Equal(BackupEntryStatus.Success, last.Status);
        Assert.Equal(SizeDropMessage(small.Length, usual.Length), last.ErrorMessage);
        var (_, notice, message) = Assert.Single(await site.MessagesAsync());
        Assert.Equal((NoticeKind.Warning, subject, last.Id), (notice.Kind, message.Subject, notice.BackupEntryId));
        Assert.Contains(small.Length.ToString(), message.Text);
    }

    [Fact]
    public async Task A_size_drop_under_a_maintenance_window_is_recorded_and_its_warning_suppressed_naming_the_window()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var site = new NotificationTestSite();
        Assert.Equal(0, (await site.RunAsync("destinations", "add", "hook", "--kind", "webhook", "--target", receiver.BaseUrl + "/hook")).ExitCode);
        Assert.Equal(0, (await site.RunAsync("routes", "add", "--destination", "hook")).ExitCode);
        await site.AddJobAsync("sales");
        var usual = GzippedDump();
        for (var i = 3; i >= 1; i--)
        {
            await site.WriteReportAsync("sales", "success", site.Now.AddMinutes(-50 - i), usual);
            await site.RunAsync("scan");
        }
        var from = site.Now.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var until = site.Now.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        Assert.Equal(0, (await site.RunAsync("maintenance", "add", "--database", "sales", "--from", from, "--until", until, "--reason", "reload")).ExitCode);

        await site.WriteReportAsync("sales", "success", site.Now.AddMinutes(-50), GzippedDump(200));
        await site.RunAsync("scan");

        Assert.Equal(BackupEntryStatus.Success, (await site.EntriesAsync()).Last().Status);
        var (delivery, notice, _) = Assert.Single(await site.MessagesAsync());
        Assert.Equal((NoticeKind.Warning, "hook", DeliveryState.Suppressed, "suppressed: maintenance window 1 (reload)"),
            (notice.Kind, delivery.Destination, delivery.State, delivery.LastError));
        Assert.Empty(receiver.At("/hook"));
    }

    [Fact]
    public async Task Size_drop_percent_zero_turns_the_warning_off()
    {
        using var site = new NotificationTestSite();
        site.Environment["SIZE_DROP_PERCENT"] = "0";
        await site.AddJobAsync("sales");
        var usual = GzippedDump();
        for (var i = 3; i >= 1; i--) await site.WriteReportAsync("sales", "success", site.Now.AddMinutes(-50 - i), usual);
        await site.WriteReportAsync("sales", "success", site.Now.AddMinutes(-50), GzippedDump(200));

        await site.RunAsync("scan");

        Assert.All(await site.EntriesAsync(), e => Assert.Null(e.ErrorMessage));
        Assert.Empty(await site.NoticesAsync());
    }

    private static string SizeDropMessage(long size, long usual) =>
        BackupMonitor.Decisions.SizeDrop.Check(size, [usual, usual, usual], 50)!;
}
