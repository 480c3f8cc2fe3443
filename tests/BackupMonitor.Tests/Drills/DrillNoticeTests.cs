using BackupMonitor.Tests.Notifications;

namespace BackupMonitor.Tests.Drills;

/// <summary>
/// SPEC §13's notices through the real SMTP server: a failed drill is an alert of status `drill_failed` (a route may
/// match it), the next passed drill its recovery, and a drill with far fewer rows than the previous passed one a warning.
/// </summary>
[Collection(DrillServerFixture.Collection)]
public sealed class DrillNoticeTests(DrillServerFixture server) : IClassFixture<DrillServerFixture>
{
    private async Task<string> BrokenDumpAsync()
    {
        var broken = server.Files.PathOf("broken-notice.sql");
        if (!File.Exists(broken))
            await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(server.Plain)).Replace("CREATE TABLE public.notes (", "CREATE TABLEX public.notes ("));
        return broken;
    }

    /// <summary>The job's next backup of its current cycle (five minutes after the previous one), validated by a scan.</summary>
    private static async Task NextBackupAsync(DrillSite site, string database, string file, int number)
    {
        await site.Site.WriteReportAsync(database, "success", site.Site.Now.AddMinutes(-50 + 5 * number), await File.ReadAllBytesAsync(file));
        Assert.Equal(0, (await site.Site.RunAsync("scan")).ExitCode);
    }

    [Fact]
    public async Task A_failed_drill_alerts_routes_matching_drill_failed_get_it_and_the_next_passed_drill_sends_the_recovery()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        using var site = new DrillSite(server.ConnectionString, smtp.Settings());
        Assert.Equal(0, (await site.Site.RunAsync("destinations", "add", "dba", "--kind", "email", "--target", "dba@backup.test")).ExitCode);
        Assert.Equal(0, (await site.Site.RunAsync("routes", "add", "--destination", "dba", "--status", "drill_failed")).ExitCode);
        var job = await site.Site.AddJobAsync("sales");
        await NextBackupAsync(site, "sales", await BrokenDumpAsync(), 0);
        Assert.Empty(smtp.Received());

        var failed = await site.RunDrillAsync(job);

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        var alerts = smtp.Received();
        Assert.Equal(2, alerts.Count);
        Assert.All(alerts, a => Assert.Equal("ALERTE SAUVEGARDE - sales - RESTAURATION IMPOSSIBLE", a.Message.Subject));
        Assert.Contains(alerts, a => a.Envelope.Contains("RCPT TO: dba@backup.test"));
        Assert.Contains(alerts, a => a.Envelope.Contains("RCPT TO: admin1@backup.test"));
        var text = alerts[0].Message.TextBody;
        Assert.Contains("syntax error at or near", text);
        Assert.Contains("TABLEX", text);

        await NextBackupAsync(site, "sales", server.Plain, 1);
        var passed = await site.RunDrillAsync(job);

        Assert.Equal("passed", passed.GetProperty("status").GetString());
        var recovery = Assert.Single(smtp.Received().Skip(2));
        Assert.Equal("RÉTABLISSEMENT SAUVEGARDE - sales", recovery.Message.Subject);
        Assert.DoesNotContain("RCPT TO: dba@backup.test", recovery.Envelope);
        Assert.Contains("\"current_status\": \"ok\"", (await site.Site.RunAsync("jobs", "list", "--format", "json")).Out);
    }

    [Fact]
    public async Task A_drill_with_far_fewer_rows_than_the_previous_passed_one_raises_a_row_drop_warning()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        using var site = new DrillSite(server.ConnectionString, smtp.Settings() is var s && s.TryAdd("NOTIFICATION_LANGUAGE", "en") ? s : s);
        var job = await site.Site.AddJobAsync("sales");
        await NextBackupAsync(site, "sales", server.Plain, 0);
        Assert.Equal("passed", (await site.RunDrillAsync(job)).GetProperty("status").GetString());
        var emptied = server.Files.PathOf("emptied.sql");
        var lines = (await File.ReadAllLinesAsync(server.Plain)).ToList();
        var copy = lines.FindIndex(l => l.StartsWith("COPY public.items ", StringComparison.Ordinal));
        var end = lines.FindIndex(copy, l => l == "\\.");
        lines.RemoveRange(copy + 1, end - copy - 1 - 100); // 100 rows of 20,000 left
        await File.WriteAllLinesAsync(emptied, lines);
        await NextBackupAsync(site, "sales", emptied, 1);

        var drill = await site.RunDrillAsync(job);

        Assert.True(drill.GetProperty("status").GetString() == "passed", DrillSite.Detail(drill));
        Assert.Equal(("passed", DrillServerFixture.Tables, 102L), DrillSite.Outcome(drill));
        var warning = Assert.Single(smtp.Received());
        Assert.Equal("BACKUP WARNING - sales - ROW DROP", warning.Message.Subject);
    }
}
