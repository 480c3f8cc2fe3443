using BackupMonitor.Tests.Api;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>SPEC §5.1 on the job page: each entry's content check, and a size drop while it is the newest entry.</summary>
public sealed class DashboardContentCheckTests
{
    private const string Detail = "gzip: stream ends at byte 4098 before its trailer";
    private const string Warning = "Taille anormalement basse : 10 octets, moins de 50 % de la médiane (1000 octets) des 3 sauvegardes réussies précédentes.";

    private static async Task<int> SeedAsync(DashboardTestHost host, bool warningIsNewest)
    {
        var job = DashboardSeed.Job("ACME", "Paris", "Centre", "sales", JobStatus.Ok);
        await host.SeedAsync(db => { db.Jobs.Add(job); return Task.CompletedTask; });
        await host.SeedAsync(async db =>
        {
            var corrupt = new BackupEntry
            {
                ExpectedJobId = job.Id, Status = BackupEntryStatus.Corrupt, AgentReportTimestampUtc = DashboardSeed.Now.AddDays(-1),
                CreatedAtUtc = DashboardSeed.Now.AddDays(-1), ContentFormat = "gzip+postgresql_sql", ContentCheck = ContentCheck.Failed, ContentCheckDetail = Detail,
            };
            var small = new BackupEntry
            {
                ExpectedJobId = job.Id, Status = BackupEntryStatus.Success, AgentReportTimestampUtc = DashboardSeed.Now.AddHours(-2),
                CreatedAtUtc = DashboardSeed.Now.AddHours(-2), ContentFormat = "gzip+postgresql_sql", ContentCheck = ContentCheck.Passed, ErrorMessage = Warning,
            };
            db.Entries.AddRange(corrupt, small);
            await db.SaveChangesAsync();
            db.Notices.Add(new Notice { BackupEntryId = small.Id, ExpectedJobId = job.Id, Kind = NoticeKind.Warning, CreatedAtUtc = DashboardSeed.Now });
            if (!warningIsNewest)
                db.Entries.Add(new BackupEntry { ExpectedJobId = job.Id, Status = BackupEntryStatus.Success, AgentReportTimestampUtc = DashboardSeed.Now.AddHours(-1), CreatedAtUtc = DashboardSeed.Now.AddHours(-1) });
        });
        return job.Id;
    }

    [Fact]
    public async Task The_job_page_shows_each_entrys_content_check_and_the_size_drop_of_the_newest_entry()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var id = await SeedAsync(host, warningIsNewest: true);

        var html = System.Net.WebUtility.HtmlDecode(await (await host.SignedInAsync(ApiTestHost.ReadKey)).PageAsync($"/jobs/{id}"));

        Assert.Contains(Detail, html);
        Assert.Contains("<code>gzip+postgresql_sql</code>", html);
        Assert.Contains("class=\"check check-failed\"", html);
        Assert.Contains("class=\"check check-passed\"", html);
        Assert.Contains("<dt>content_check_detail</dt><dd>" + Detail + "</dd>", html);
        Assert.Contains("class=\"message warning size-drop\"", html);
        Assert.Contains("10 octets, moins de 50 %", html);
    }

    [Fact]
    public async Task A_size_drop_followed_by_a_normal_backup_is_no_longer_announced()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var id = await SeedAsync(host, warningIsNewest: false);

        var html = await (await host.SignedInAsync(ApiTestHost.ReadKey)).PageAsync($"/jobs/{id}");

        Assert.DoesNotContain("size-drop", html);
    }
}
