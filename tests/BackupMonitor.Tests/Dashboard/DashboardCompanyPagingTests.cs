using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using BackupMonitor.Dashboard;
using BackupMonitor.Tests.Api;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>The overview's company table at 2,000 companies (issue 22): paged, the page within 1 MiB, every company reachable.</summary>
public sealed partial class DashboardCompanyPagingTests
{
    private const int Companies = 2_000;

    private static string Name(int i) => $"Co{i:0000}";

    /// <summary>One job a company; every 40th company's job fails (50 of them: exactly the first page, worst first).</summary>
    private static async Task SeedAsync(DashboardTestHost host) =>
        await host.SeedAsync(db =>
        {
            for (var i = 0; i < Companies; i++)
                db.Jobs.Add(DashboardSeed.Job(Name(i), "Paris", $"Site{i}", "sales", i % 40 == 0 ? JobStatus.Failed : JobStatus.Ok));
            return Task.CompletedTask;
        });

    private static List<string> CompanyRows(string html) => CompanyRowPattern().Matches(html).Select(m => m.Groups[1].Value).ToList();

    /// <summary>The company pager's "Next" link, decoded and without its fragment; null on the last page.</summary>
    private static string? NextCompanyPage(string html)
    {
        var pager = CompanyPagerPattern().Match(html);
        if (!pager.Success) return null;
        var next = NextPattern().Match(pager.Value);
        return next.Success ? WebUtility.HtmlDecode(next.Groups[1].Value).Split('#')[0] : null;
    }

    [GeneratedRegex("<tr data-company=\"([^\"]+)\">")]
    private static partial Regex CompanyRowPattern();

    [GeneratedRegex("<nav class=\"pager\" aria-label=\"Companies: page \\d+ of \\d+\">.*?</nav>", RegexOptions.Singleline)]
    private static partial Regex CompanyPagerPattern();

    [GeneratedRegex("<a href=\"([^\"]+)\" rel=\"next\">")]
    private static partial Regex NextPattern();

    [Fact]
    public async Task Overview_of_2000_companies_stays_within_1_MiB_and_its_pages_reach_every_company_worst_first()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await SeedAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey);

        var first = await browser.PageAsync("/");
        Assert.True(Encoding.UTF8.GetByteCount(first) <= 1024 * 1024, $"the overview weighs {Encoding.UTF8.GetByteCount(first):N0} bytes");
        var firstRows = CompanyRows(first);
        Assert.Equal(CompanyRow.PageSize, firstRows.Count);
        // Worst first: the 50 companies with a failing job fill the first page.
        Assert.Equal(Enumerable.Range(0, Companies).Where(i => i % 40 == 0).Select(Name), firstRows);
        Assert.Contains($"Companies 1–{CompanyRow.PageSize} of {Companies}", first);

        // Following "Next" from the first page reaches every company once, in the table's order.
        var seen = new List<string>(firstRows);
        var pages = 1;
        for (var next = NextCompanyPage(first); next is not null; pages++)
        {
            var html = await browser.PageAsync(next);
            seen.AddRange(CompanyRows(html));
            next = NextCompanyPage(html);
        }
        Assert.Equal(Companies / CompanyRow.PageSize, pages);
        var rest = Enumerable.Range(0, Companies).Where(i => i % 40 != 0).Select(Name);
        Assert.Equal(firstRows.Concat(rest), seen);
    }

    [Fact]
    public async Task Company_pages_keep_the_sort_over_all_companies_and_the_job_lists_page()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await SeedAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey);

        var descending = Enumerable.Range(0, Companies).Reverse().Select(Name).ToList();
        var second = await browser.PageAsync("/?csort=company&cdir=desc&cp=2");
        Assert.Equal(descending.Skip(CompanyRow.PageSize).Take(CompanyRow.PageSize), CompanyRows(second));
        Assert.Equal(descending.TakeLast(CompanyRow.PageSize), CompanyRows(await browser.PageAsync("/?csort=company&cdir=desc&cp=999")));   // past the end: the last page

        // The company pager keeps its sort and the job list's page; the job pager keeps the company page; a new sort starts at page 1.
        var both = WebUtility.HtmlDecode(await browser.PageAsync("/?p=2&csort=company&cdir=desc&cp=2"));
        Assert.Contains("href=\"/?p=2&csort=company&cdir=desc&cp=3#companies-heading\" rel=\"next\"", both);
        Assert.Contains("href=\"/?p=3&csort=company&cdir=desc&cp=2\" rel=\"next\"", both);
        Assert.Contains("href=\"/?p=2&csort=jobs\"", both);
        // Each company still links to its jobs.
        Assert.Contains($"<a href=\"/?company={descending[CompanyRow.PageSize]}\">{descending[CompanyRow.PageSize]}</a>", both);
    }

    [Fact]
    public async Task A_key_limited_to_companies_pages_over_its_own_companies_only()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await SeedAsync(host);
        var mine = Enumerable.Range(0, CompanyRow.PageSize + 3).Select(i => Name(i * 7)).ToList();
        var key = (await host.Api.CliAsync(["keys", "add", "--name", "portal", "--role", "viewer", .. mine.SelectMany(c => new[] { "--company", c })])).Trim();
        var browser = await host.SignedInAsync(key);

        var first = await browser.PageAsync("/");
        Assert.Contains($"Companies 1–{CompanyRow.PageSize} of {mine.Count}", first);
        var last = await browser.PageAsync(NextCompanyPage(first)!);
        Assert.Null(NextCompanyPage(last));
        Assert.Equal(mine.Order(StringComparer.Ordinal), CompanyRows(first).Concat(CompanyRows(last)).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(Name(1), first + last);
    }
}
