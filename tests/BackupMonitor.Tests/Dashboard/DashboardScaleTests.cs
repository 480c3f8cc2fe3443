using System.Text.RegularExpressions;
using BackupMonitor.Tests.Api;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>The overview built for thousands: 100 jobs a page, filters, search and sort across pages, the company table.</summary>
public sealed partial class DashboardScaleTests
{
    private static List<string> Rows(string html) => RowPattern().Matches(html).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex("<th scope=\"row\"><a href=\"/jobs/\\d+\">([^<]+)</a></th>")]
    private static partial Regex RowPattern();

    /// <summary>250 jobs over 5 companies; every 10th fails (newest failures on the highest numbers), every 25th is unknown.</summary>
    private static async Task SeedManyAsync(DashboardTestHost host)
    {
        await host.SeedAsync(db =>
        {
            for (var i = 0; i < 250; i++)
            {
                var status = i % 10 == 0 ? JobStatus.Failed : i % 25 == 1 ? JobStatus.Unknown : JobStatus.Ok;
                var company = $"Company{i % 5}";
                var job = DashboardSeed.Job(company, $"City{i % 7}", $"Site{i}", $"db{i:000}", status);
                if (status == JobStatus.Failed) job.LastFailedBackupUtc = DashboardTestHost.Now.AddMinutes(-1000 + i);
                db.Jobs.Add(job);
            }
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task Overview_shows_a_hundred_jobs_a_page_failing_first_with_a_pager()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await SeedManyAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey);

        var first = await browser.PageAsync("/");
        var rows = Rows(first);
        Assert.Equal(100, rows.Count);
        // Failures first, newest failure first: db240, db230, … db000; then the unknown ones.
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"db{240 - 10 * i:000}"), rows.Take(25));
        var unknown = Enumerable.Range(0, 250).Where(i => i % 10 != 0 && i % 25 == 1)
            .OrderBy(i => $"company{i % 5}", StringComparer.Ordinal).ThenBy(i => $"city{i % 7}", StringComparer.Ordinal).ThenBy(i => $"site{i}", StringComparer.Ordinal);
        Assert.Equal(unknown.Select(i => $"db{i:000}"), rows.Skip(25).Take(unknown.Count()));
        Assert.Contains("Jobs 1–100 of 250", first);
        Assert.Contains("<a href=\"/?p=2\" rel=\"next\">Next</a>", first);

        var third = Rows(await browser.PageAsync("/?p=3"));
        Assert.Equal(50, third.Count);
        var all = rows.Concat(Rows(await browser.PageAsync("/?p=2"))).Concat(third).ToList();
        Assert.Equal(250, all.Distinct().Count());   // pages neither overlap nor skip
        Assert.Contains("Page 3 of 3", await browser.PageAsync("/?p=99"));
    }

    [Fact]
    public async Task Filters_search_and_sort_apply_to_the_whole_list_before_paging()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await SeedManyAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey);

        // Sorted by database, descending, across pages: page 2 starts where page 1 stopped.
        var byName = Rows(await browser.PageAsync("/?sort=database&dir=desc")).Concat(Rows(await browser.PageAsync("/?sort=database&dir=desc&p=2"))).ToList();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"db{249 - i:000}"), byName);
        // A sort link keeps the filters and goes back to page 1.
        var filtered = await browser.PageAsync("/?company=Company1&p=1");
        Assert.Contains("href=\"/?company=Company1&amp;sort=database\"", filtered);

        var failed = Rows(await browser.PageAsync("/?status=failed&company=company0"));   // company matched case-insensitively
        Assert.Equal(25, failed.Count);   // every failing job is a multiple of 10, so of Company0
        Assert.Contains("25 of 250 jobs shown", await browser.PageAsync("/?status=failed"));

        Assert.Equal(["db123"], Rows(await browser.PageAsync("/?q=DB123")));            // search ignores case
        Assert.Equal(["db042"], Rows(await browser.PageAsync("/?q=site42&city=City0")));  // and combines with filters
        var city = Rows(await browser.PageAsync("/?city=city3&sort=expected"));
        // All expected at 02:00: the ties fall back to company, city, neighborhood (case-insensitively).
        Assert.Equal(Enumerable.Range(0, 250).Where(i => i % 7 == 3).OrderBy(i => $"company{i % 5}", StringComparer.Ordinal)
            .ThenBy(i => $"site{i}", StringComparer.Ordinal).Select(i => $"db{i:000}"), city);
    }

    [Fact]
    public async Task Company_table_counts_jobs_failing_last_verified_and_30_day_compliance()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await DashboardSeed.EstateAsync(host);
        var html = await (await host.SignedInAsync(ApiTestHost.ReadKey)).PageAsync("/");

        string Row(string company)
        {
            var match = Regex.Match(html, $"<tr data-company=\"{company}\">(.*?)</tr>", RegexOptions.Singleline);
            Assert.True(match.Success, $"no row for {company}");
            return Regex.Replace(match.Groups[1].Value, "\\s+", " ");
        }
        // ACME: sales verified 24 of its last 30 daily cycles (25 days of history, one failed), stock none: 24 / 60.
        var acme = Row("ACME");
        Assert.Contains("<a href=\"/?company=ACME\">ACME</a>", acme);
        Assert.Contains("<td>2</td> <td class=\"failing\">1</td>", acme);
        Assert.Contains("2026-11-23 02:12 UTC", acme);   // the newest verified backup of its jobs
        Assert.Contains("40.0 %", acme);
        Assert.Contains("(24 / 60)", acme);
        Assert.Contains("0.0 %", Row("Globex"));
        Assert.Contains("<td>1</td> <td>0</td> <td>never</td>", Row("Initech"));   // the deactivated job is not counted
        // Worst first: most failing jobs, then lowest compliance.
        Assert.Equal(["Globex", "ACME", "Initech"], Regex.Matches(html, "<tr data-company=\"([^\"]+)\">").Select(m => m.Groups[1].Value));
        var sorted = await (await host.SignedInAsync(ApiTestHost.ReadKey)).PageAsync("/?csort=compliance&cdir=desc");
        Assert.Equal(["ACME", "Globex", "Initech"], Regex.Matches(sorted, "<tr data-company=\"([^\"]+)\">").Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task A_company_page_draws_its_30_days_of_compliance_with_the_figures_as_a_table()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await DashboardSeed.EstateAsync(host);
        var html = await (await host.SignedInAsync(ApiTestHost.ReadKey)).PageAsync("/?company=ACME");
        Assert.Matches("<svg class=\"chart\" id=\"company-chart\"[^>]*role=\"img\" aria-labelledby=\"company-chart-t company-chart-d\"", html);
        Assert.Contains("<title id=\"company-chart-t\">ACME: cycles verified per day, last 30 days</title>", html);
        Assert.Contains("ACME: 24 of 60 cycles verified over 30 days.", html);
        Assert.Equal(30, Regex.Matches(html, "<rect class=\"bar ").Count);
        // The day sales failed (two days before the clock's day): 0 of 2; the day before: 1 of 2.
        Assert.Contains("<tr><th scope=\"row\">2026-11-21</th><td>0 / 2</td><td>0.0 %</td></tr>", html);
        Assert.Contains("<tr><th scope=\"row\">2026-11-20</th><td>1 / 2</td><td>50.0 %</td></tr>", html);
        Assert.Equal(["sales", "stock"], Rows(html).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Job_page_draws_size_verification_delay_and_calendar_over_90_days_with_text_alternatives()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var job = DashboardSeed.Job("ACME", "Paris", "Centre", "sales", JobStatus.Ok);
        job.CreatedAtUtc = DashboardTestHost.Now.AddDays(-200);
        await host.SeedAsync(db =>
        {
            db.Jobs.Add(job);
            return Task.CompletedTask;
        });
        await host.SeedAsync(async db =>
        {
            // 120 days of nightly backups growing by 1 MB a day, verified 5 minutes later; one shrank (it raised a
            // size-drop warning notice); every 7th missed.
            BackupEntry? shrunk = null;
            for (var day = 119; day >= 0; day--)
            {
                var operation = DashboardTestHost.Now.Date.AddDays(-day).AddHours(2).AddMinutes(10);
                if (day % 7 == 3)
                {
                    db.Entries.Add(new BackupEntry { ExpectedJobId = job.Id, Status = BackupEntryStatus.Missing, ExpectedCycleUtc = operation.AddMinutes(-10), CreatedAtUtc = operation.AddHours(1) });
                    continue;
                }
                var entry = new BackupEntry
                {
                    ExpectedJobId = job.Id, Status = BackupEntryStatus.Success, AgentReportTimestampUtc = operation, CreatedAtUtc = operation.AddMinutes(5),
                    ServerCalculatedStagedSize = day == 11 ? 1_000_000 : 100_000_000 - day * 1_000_000,
                    ErrorMessage = day == 11 ? "Taille anormalement basse : 1000000 octets" : null,
                };
                if (day == 11) shrunk = entry;
                db.Entries.Add(entry);
            }
            await db.SaveChangesAsync();
            db.Notices.Add(new Notice
            {
                BackupEntryId = shrunk!.Id, ExpectedJobId = job.Id, Kind = NoticeKind.Warning, JobStatus = JobStatus.Ok,
                PreviousJobStatus = JobStatus.Ok, CreatedAtUtc = shrunk.CreatedAtUtc,
            });
        });
        var html = await (await host.SignedInAsync(ApiTestHost.ReadKey)).PageAsync($"/jobs/{job.Id}");

        string Chart(string id)
        {
            var match = Regex.Match(html, $"<svg class=\"chart[^\"]*\" id=\"{id}\".*?</svg>", RegexOptions.Singleline);
            Assert.True(match.Success, $"no {id}");
            Assert.Contains($"role=\"img\" aria-labelledby=\"{id}-t {id}-d\"", match.Value);
            Assert.Matches($"<title id=\"{id}-t\">[^<]+</title><desc id=\"{id}-d\">[^<]+</desc>", match.Value);
            return match.Value;
        }
        // 90 days shown (1 + 89 before), of which every 7th was missed: 77 backups with a size.
        var size = Chart("size-chart");
        var sized = Enumerable.Range(0, 90).Count(d => d % 7 != 3);
        Assert.Equal(sized, Regex.Matches(size, "<rect class=\"bar st-ok\"").Count);
        Assert.Single(Regex.Matches(size, "<path class=\"mark\""));
        Assert.Contains("size drop", size);
        Assert.Contains("100 MB", size);   // the axis's top
        Assert.Contains($"{sized} entries with a size; largest 100 MB; 1 marked as a size drop.", html);

        var delay = Chart("delay-chart");
        Assert.Equal(sized, Regex.Matches(delay, "<rect class=\"bar ").Count);
        Assert.Contains($"{sized} verified backups; median delay 5 minutes.", html);

        var calendar = Chart("calendar-chart");
        Assert.Equal(90, Regex.Matches(calendar, "<rect class=\"day ").Count);
        Assert.Equal(90 - sized, Regex.Matches(calendar, "<rect class=\"day st-missing\"").Count);
        Assert.Contains($"{sized} cycles verified, {90 - sized} failed or missed, 0 without any report.", html);

        // The text alternative: every entry of the 90 days in a table, newest first.
        var table = Regex.Match(html, "<table class=\"figures\">.*?</table>", RegexOptions.Singleline).Value;
        Assert.Equal(90, Regex.Matches(table, "<tr>\\s*<th scope=\"row\">").Count);
        Assert.Contains("1 MB (size drop)", table);
    }
}
