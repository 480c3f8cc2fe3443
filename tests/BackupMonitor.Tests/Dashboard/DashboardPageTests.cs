using System.Net;
using System.Text.RegularExpressions;
using BackupMonitor.Tests.Api;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>The pages as a signed-in operator reads them: tiles, last scan, the jobs table, strips, a job, the outbox.</summary>
public sealed partial class DashboardPageTests
{
    /// <summary>The database names of the table's rows, top to bottom.</summary>
    private static List<string> Rows(string html) =>
        RowPattern().Matches(html).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex("<th scope=\"row\"><a href=\"/jobs/\\d+\">([^<]+)</a></th>")]
    private static partial Regex RowPattern();

    [Fact]
    public async Task Overview_shows_a_tile_per_status_the_last_scan_and_failing_jobs_first()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await DashboardSeed.EstateAsync(host);
        var html = await (await host.SignedInAsync(ApiTestHost.ReadKey)).PageAsync("/");

        foreach (var (status, count) in new[] { ("ok", 1), ("failed", 1), ("missing", 1), ("hash_mismatch", 1), ("transfer_integrity_failed", 0), ("unknown", 1) })
            Assert.Matches($"<a href=\"/\\?status={status}\" data-status=\"{status}\">\\s*<span class=\"count\">{count}</span>", html);
        Assert.Contains("2026-11-23 11:55 UTC", html);
        Assert.Contains("7 reports read (1 invalid), 4 entries recorded", html);
        // Failures first (newest failure first, then by name), then unknown, then ok; the deactivated job is hidden.
        Assert.Equal(["stock", "crm", "erp", "billing", "sales"], Rows(html));
        Assert.Contains("5 of 5 jobs shown", html);
        // Status by colour and by words.
        Assert.Contains("<span class=\"badge st-hash-mismatch\">Hash mismatch</span>", html);
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"60\">", html);
    }

    [Theory]
    [InlineData("/?company=Globex", new[] { "crm", "erp" })]
    [InlineData("/?city=nantes", new[] { "billing" })]
    [InlineData("/?status=missing", new[] { "erp" })]
    [InlineData("/?status=ok&inactive=true", new[] { "sales", "archive" })]
    [InlineData("/?q=part-dieu", new[] { "stock" })]
    [InlineData("/?q=ACME_Paris", new[] { "sales" })]
    [InlineData("/?q=vieux&status=failed", new[] { "crm" })]
    [InlineData("/?company=ACME&city=Marseille", new string[0])]
    [InlineData("/?status=nonsense", new[] { "stock", "crm", "erp", "billing", "sales" })]
    public async Task Filters_and_search_narrow_the_jobs_table(string path, string[] expected)
    {
        await using var host = await DashboardTestHost.StartAsync();
        await DashboardSeed.EstateAsync(host);
        var html = await (await host.SignedInAsync(ApiTestHost.ReadKey)).PageAsync(path);
        Assert.Equal(expected, Rows(html));
        if (expected.Length == 0) Assert.Contains("No job matches these filters.", html);
    }

    [Fact]
    public async Task The_filter_form_shows_the_current_choices_with_labels()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await DashboardSeed.EstateAsync(host);
        var html = await (await host.SignedInAsync(ApiTestHost.ReadKey)).PageAsync("/?company=Globex&status=failed&q=vieux&sort=city&dir=desc");
        Assert.Contains("<option value=\"Globex\" selected=\"selected\">Globex</option>", html);
        Assert.Contains("<option value=\"failed\" selected=\"selected\">Failed</option>", html);
        Assert.Contains("value=\"vieux\"", html);
        foreach (var id in new[] { "f-company", "f-city", "f-status", "f-q", "f-inactive" }) Assert.Contains($"<label for=\"{id}\">", html);
        // The sort survives a new filter: it travels as hidden fields.
        Assert.Contains("<input type=\"hidden\" name=\"sort\" value=\"city\">", html);
        Assert.Contains("<input type=\"hidden\" name=\"dir\" value=\"desc\">", html);
    }

    [Theory]
    [InlineData("/?sort=database", new[] { "billing", "crm", "erp", "sales", "stock" })]
    [InlineData("/?sort=database&dir=desc", new[] { "stock", "sales", "erp", "crm", "billing" })]
    [InlineData("/?sort=company&dir=desc", new[] { "billing", "crm", "erp", "stock", "sales" })]
    [InlineData("/?sort=status&dir=desc", new[] { "sales", "billing", "crm", "stock", "erp" })]
    [InlineData("/?sort=last_success", new[] { "stock", "crm", "erp", "billing", "sales" })]
    public async Task Columns_sort_both_ways(string path, string[] expected)
    {
        await using var host = await DashboardTestHost.StartAsync();
        await DashboardSeed.EstateAsync(host);
        var html = await (await host.SignedInAsync(ApiTestHost.ReadKey)).PageAsync(path);
        Assert.Equal(expected, Rows(html));
    }

    [Fact]
    public async Task Sort_links_keep_the_filters_and_flip_the_direction_of_the_current_column()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await DashboardSeed.EstateAsync(host);
        var html = await (await host.SignedInAsync(ApiTestHost.ReadKey)).PageAsync("/?company=ACME&sort=database");
        Assert.Contains("<th scope=\"col\" aria-sort=\"ascending\"><a href=\"/?company=ACME&amp;sort=database&amp;dir=desc\">Database", html);
        Assert.Contains("<th scope=\"col\"><a href=\"/?company=ACME&amp;sort=city\">City", html);
    }

    [Fact]
    public async Task Each_row_has_a_30_day_strip_with_a_titled_square_per_cycle()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await DashboardSeed.EstateAsync(host);
        var html = await (await host.SignedInAsync(ApiTestHost.ReadKey)).PageAsync("/?q=sales");
        var strip = Regex.Match(html, "<span class=\"strip\" role=\"img\" aria-label=\"([^\"]+)\">(.*?)</span>\\s*</td>", RegexOptions.Singleline);
        Assert.True(strip.Success, html);
        Assert.Equal("Last 30 days: 5 × no report, 24 × Success, 1 × Failed", WebUtility.HtmlDecode(strip.Groups[1].Value));
        var cells = Regex.Matches(strip.Groups[2].Value, "<span class=\"cell (st-[a-z-]+)\" title=\"([^\"]+)\"></span>");
        Assert.Equal(30, cells.Count);
        Assert.Equal(("st-none", "2026-10-25: no report"), (cells[0].Groups[1].Value, cells[0].Groups[2].Value));
        Assert.Equal(("st-failed", "2026-11-21: Failed"), (cells[27].Groups[1].Value, cells[27].Groups[2].Value));
        Assert.Equal(("st-ok", "2026-11-23: Success"), (cells[29].Groups[1].Value, cells[29].Groups[2].Value));
    }

    [Fact]
    public async Task Job_page_shows_its_settings_a_large_strip_and_every_field_of_its_entries()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var jobs = await DashboardSeed.EstateAsync(host);
        var html = await (await host.SignedInAsync(ApiTestHost.ReadKey)).PageAsync($"/jobs/{jobs["stock"].Id}");
        Assert.Contains("<dt>Agent</dt><dd>ACME_Lyon_Part-Dieu</dd>", html);
        Assert.Contains("<dt>Expected time (UTC)</dt><dd>02:00</dd>", html);
        Assert.Contains("<dt>Grace (minutes)</dt><dd>60</dd>", html);
        Assert.Equal(30, Regex.Matches(html, "<li class=\"cell st-[a-z-]+\" title=\"[^\"]+\"><span class=\"visually-hidden\">").Count);
        Assert.Contains("<span class=\"visually-hidden\">2026-11-23: Hash mismatch</span>", html);
        foreach (var field in new[]
        {
            "agent_report_timestamp_utc", "agent_reported_hash_sha256", "agent_reported_size_bytes", "agent_compress_size_pre_compress",
            "agent_compress_size_post_compress", "agent_transfer_process_status", "agent_transfer_process_start_time",
            "agent_transfer_process_timestamp", "agent_transfer_error_message", "agent_staged_file_name", "agent_logs_summary",
            "server_calculated_staged_hash", "server_calculated_staged_size", "hash_comparison_result", "error_message",
            "validated_path", "quarantine_path", "expected_cycle_utc", "created_at_utc",
        })
            Assert.Contains($"<dt>{field}</dt>", html);
        Assert.Contains(DashboardSeed.NewestHash, html);
        Assert.Contains(DashboardSeed.ServerHash, html);
        Assert.Contains("4,194,305", html);
        Assert.Contains("<dt>hash_comparison_result</dt><dd>true</dd>", html);
        Assert.Contains("retried once", html);
        Assert.Contains("dump 12 s, gzip 3 s", html);
        Assert.Contains("quarantine: <code>ACME_Lyon_Part-Dieu/stock/20261123T020500Z_stock_20261123.sql.gz</code>", html);
    }

    [Fact]
    public async Task Job_entries_are_newest_first_twenty_a_page()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var jobs = await DashboardSeed.EstateAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey);
        var id = jobs["sales"].Id;
        var first = await browser.PageAsync($"/jobs/{id}");
        var times = Regex.Matches(first, "<th scope=\"row\"><time datetime=\"[^\"]+\">([^<]+)</time></th>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(20, times.Count);
        Assert.Equal("2026-11-23 02:10 UTC", times[0]);
        Assert.Equal(times.OrderDescending(StringComparer.Ordinal), times);
        Assert.Contains("Page 1 of 2", first);
        Assert.Contains($"<a href=\"/jobs/{id}?p=2\" rel=\"next\">Next</a>", first);

        var second = await browser.PageAsync($"/jobs/{id}?p=2");
        Assert.Equal(5, Regex.Matches(second, "<th scope=\"row\"><time").Count);
        Assert.Contains("2026-10-30 02:10 UTC", second);
        Assert.Contains($"<a href=\"/jobs/{id}?p=1\" rel=\"prev\">Previous</a>", second);
        Assert.Contains("Page 2 of 2", await browser.PageAsync($"/jobs/{id}?p=99"));
    }

    [Fact]
    public async Task An_unknown_job_is_a_404_page()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var response = await (await host.SignedInAsync(ApiTestHost.ReadKey)).GetAsync("/jobs/4242");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No job has id 4242.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Notifications_page_shows_state_attempts_and_last_error_and_filters_by_state()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await DashboardSeed.EstateAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey);
        var html = await browser.PageAsync("/notifications");
        Assert.Contains("ALERTE SAUVEGARDE - stock - HASH MISMATCH", html);
        Assert.Contains("<span class=\"badge state-pending\">Pending</span>", html);
        Assert.Contains("<td>2</td>", html);
        Assert.Contains("connection refused by smtp.example.org:587", html);
        Assert.Contains("RÉTABLISSEMENT SAUVEGARDE - stock", html);
        Assert.Contains("<th scope=\"col\">Last error</th>", html);

        var sent = await browser.PageAsync("/notifications?state=sent");
        Assert.Contains("RÉTABLISSEMENT SAUVEGARDE - stock", sent);
        Assert.DoesNotContain("HASH MISMATCH", sent);
        Assert.Contains("The outbox is empty.", await browser.PageAsync("/notifications?state=failed"));
    }
}
