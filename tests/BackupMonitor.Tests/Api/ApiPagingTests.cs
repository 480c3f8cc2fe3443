using System.Net;
using System.Text.Json.Nodes;
using BackupMonitor.Tests.Dashboard;

namespace BackupMonitor.Tests.Api;

/// <summary>Keyset paging of GET /api/jobs and GET /api/jobs/{id}/entries (SPEC §9): `limit`, `after_id`, `Link: rel="next"`.</summary>
public sealed class ApiPagingTests
{
    private static ExpectedBackupJob Job(string company, string database, JobStatus status = JobStatus.Unknown, bool active = true) => new()
    {
        CompanyName = company, City = "Paris", Neighborhood = "Centre", DatabaseName = database,
        AgentIdResponsible = Names.DefaultAgentId(company, "Paris", "Centre"), ExpectedHourUtc = 2, ExpectedMinuteUtc = 0,
        CurrentStatus = status, IsActive = active, CreatedAtUtc = DashboardTestHost.Now.AddDays(-10),
    };

    /// <summary>Follows Link headers from <paramref name="first"/>; returns each page's items and whether it had a Link.</summary>
    private static async Task<List<(JsonArray Items, string? Next)>> FollowAsync(HttpClient client, string first)
    {
        var pages = new List<(JsonArray, string?)>();
        for (string? url = first; url is not null && pages.Count < 20;)
        {
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var next = response.Headers.TryGetValues("Link", out var links) ? links.Single() : null;
            pages.Add((JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray(), next));
            url = next is null ? null : next[(next.IndexOf('<') + 1)..next.IndexOf('>')];
            if (next is not null) Assert.EndsWith(">; rel=\"next\"", next);
        }
        return pages;
    }

    private static List<int> Ids(IEnumerable<(JsonArray Items, string? Next)> pages) =>
        pages.SelectMany(p => p.Items).Select(j => (int)j!["id"]!).ToList();

    [Fact]
    public async Task Jobs_page_by_limit_and_after_id_with_a_next_link_until_the_last_page()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await host.SeedAsync(db =>
        {
            // Inserted out of order: the listing's order (company, city, neighborhood, database, id) is not the ids'.
            db.Jobs.AddRange(Job("Initech", "b"), Job("ACME", "z"), Job("Globex", "a"), Job("ACME", "a"), Job("Initech", "a"),
                Job("ACME", "m", JobStatus.Failed), Job("Globex", "b"), Job("Hooli", "gone", active: false));
            return Task.CompletedTask;
        });
        var all = JsonNode.Parse(await host.Api.Read.GetStringAsync("/api/jobs"))!.AsArray();
        Assert.Equal(7, all.Count);
        Assert.Equal(["a", "m", "z", "a", "b", "a", "b"], all.Select(j => (string)j!["database_name"]!).ToList());

        var pages = await FollowAsync(host.Api.Read, "/api/jobs?limit=3");
        Assert.Equal([3, 3, 1], pages.Select(p => p.Items.Count).ToList());
        Assert.NotNull(pages[0].Next);
        Assert.NotNull(pages[1].Next);
        Assert.Null(pages[2].Next);   // the last page says so by having no Link
        Assert.Equal(all.Select(j => (int)j!["id"]!).ToList(), Ids(pages));
        Assert.Contains($"after_id={pages[0].Items[^1]!["id"]}", pages[0].Next);
        Assert.StartsWith("<http://localhost/api/jobs?limit=3&after_id=", pages[0].Next);

        // An exact multiple: the page that ends the list has no Link (one row more than asked is read to know).
        var exact = await FollowAsync(host.Api.Read, "/api/jobs?limit=7");
        Assert.Single(exact);
        Assert.Null(exact[0].Next);

        // Filters travel in the Link.
        var acme = await FollowAsync(host.Api.Read, "/api/jobs?company=ACME&limit=2");
        Assert.Equal([2, 1], acme.Select(p => p.Items.Count).ToList());
        Assert.Contains("company=ACME", acme[0].Next);
        Assert.All(acme.SelectMany(p => p.Items), j => Assert.Equal("ACME", (string)j!["company_name"]!));
    }

    [Fact]
    public async Task A_page_continues_after_its_cursor_even_when_that_job_left_the_filter()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await host.SeedAsync(db =>
        {
            db.Jobs.AddRange(Job("A", "one", JobStatus.Failed), Job("B", "two", JobStatus.Failed), Job("C", "three", JobStatus.Failed));
            return Task.CompletedTask;
        });
        var first = await FollowAsync(host.Api.Read, "/api/jobs?status=failed&limit=1");
        var afterId = (int)first[0].Items[0]!["id"]!;
        await host.SeedAsync(async db => (await db.Jobs.FindAsync(afterId))!.CurrentStatus = JobStatus.Ok);
        var rest = JsonNode.Parse(await host.Api.Read.GetStringAsync($"/api/jobs?status=failed&limit=5&after_id={afterId}"))!.AsArray();
        Assert.Equal(["two", "three"], rest.Select(j => (string)j!["database_name"]!).ToList());
    }

    [Fact]
    public async Task Entries_page_newest_first_by_after_id_and_the_last_page_has_no_link()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var job = Job("ACME", "sales");
        await host.SeedAsync(db =>
        {
            db.Jobs.Add(job);
            return Task.CompletedTask;
        });
        await host.SeedAsync(db =>
        {
            var start = DashboardTestHost.Now.Date.AddDays(-5);
            for (var day = 0; day < 5; day++)
            {
                var t = start.AddDays(day).AddHours(2);
                db.Entries.Add(new BackupEntry { ExpectedJobId = job.Id, Status = BackupEntryStatus.Success, AgentReportTimestampUtc = t, CreatedAtUtc = t.AddMinutes(5) });
            }
            // Two entries recorded in the same instant: the id breaks the tie, so neither is skipped nor repeated.
            var same = start.AddDays(5).AddHours(3);
            db.Entries.Add(new BackupEntry { ExpectedJobId = job.Id, Status = BackupEntryStatus.Failed, AgentReportTimestampUtc = same, CreatedAtUtc = same });
            db.Entries.Add(new BackupEntry { ExpectedJobId = job.Id, Status = BackupEntryStatus.Failed, AgentReportTimestampUtc = same.AddMinutes(1), CreatedAtUtc = same });
            return Task.CompletedTask;
        });
        var all = JsonNode.Parse(await host.Api.Read.GetStringAsync($"/api/jobs/{job.Id}/entries"))!.AsArray();
        Assert.Equal(7, all.Count);
        var pages = await FollowAsync(host.Api.Read, $"/api/jobs/{job.Id}/entries?limit=2");
        Assert.Equal([2, 2, 2, 1], pages.Select(p => p.Items.Count).ToList());
        Assert.Null(pages[^1].Next);
        Assert.Equal(all.Select(e => (int)e!["id"]!).ToList(), Ids(pages));
        var created = pages.SelectMany(p => p.Items).Select(e => (string)e!["created_at_utc"]!).ToList();
        Assert.Equal(created.OrderDescending(StringComparer.Ordinal), created);
    }

    [Theory]
    [InlineData("/api/jobs?limit=0", "limit")]
    [InlineData("/api/jobs?limit=1001", "limit")]
    [InlineData("/api/jobs?limit=ten", "limit")]
    [InlineData("/api/jobs?after_id=x", "after_id")]
    [InlineData("/api/jobs?after_id=424242", "after_id")]
    [InlineData("/api/jobs/{id}/entries?after_id=424242", "after_id")]
    [InlineData("/api/jobs/{id}/entries?limit=-1", "limit")]
    public async Task A_bad_limit_or_after_id_is_400_naming_it(string path, string field)
    {
        await using var host = await DashboardTestHost.StartAsync();
        var job = Job("ACME", "sales");
        await host.SeedAsync(db =>
        {
            db.Jobs.Add(job);
            return Task.CompletedTask;
        });
        var response = await host.Api.Read.GetAsync(path.Replace("{id}", job.Id.ToString()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await ApiTestHost.ProblemAsync(response);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
    }

    [Fact]
    public async Task Without_a_limit_jobs_come_a_thousand_at_a_time_with_a_link_to_the_rest()
    {
        await using var host = await DashboardTestHost.StartAsync();
        await host.SeedAsync(db =>
        {
            db.Jobs.AddRange(Enumerable.Range(0, 1001).Select(i => Job($"Co{i / 10:000}", $"db{i % 10}")));
            return Task.CompletedTask;
        });
        var pages = await FollowAsync(host.Api.Read, "/api/jobs");
        Assert.Equal([1000, 1], pages.Select(p => p.Items.Count).ToList());
        Assert.Equal(1001, Ids(pages).Distinct().Count());
    }
}
