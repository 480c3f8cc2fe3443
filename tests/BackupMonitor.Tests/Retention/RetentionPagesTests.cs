using System.Net;
using System.Text.Json;
using BackupMonitor.Tests.Api;
using BackupMonitor.Tests.Dashboard;

namespace BackupMonitor.Tests.Retention;

/// <summary>Retention in `serve`: `GET /api/retention/plan`, the job page's keep/prune list and trash, the overview's storage (SPEC §9, §14).</summary>
public sealed class RetentionPagesTests
{
    /// <summary>A job with four nightly backups (files in validated storage), policy last=2, one more already in the trash.</summary>
    private static async Task<int> SeedAsync(DashboardTestHost host)
    {
        var job = DashboardSeed.Job("ACME", "Paris", "Centre", "sales", JobStatus.Ok);
        job.Retention = "last=2";
        await host.SeedAsync(db => { db.Jobs.Add(job); return Task.CompletedTask; });
        var validated = Path.Combine(host.Api.Root, "validated");
        await host.SeedAsync(db =>
        {
            for (var night = 0; night < 5; night++)
            {
                var at = DashboardSeed.Now.Date.AddDays(-night).AddHours(2);
                var path = $"{job.AgentIdResponsible}/sales/{at:yyyyMMdd'T'HHmmss'Z'}_sales.sql.gz";
                var trashed = night == 4;
                var file = Path.Combine(host.Api.Root, trashed ? "trash" : "validated", path);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllText(file, new string('x', 1000));
                db.Entries.Add(new BackupEntry
                {
                    ExpectedJobId = job.Id, Status = BackupEntryStatus.Success, AgentReportTimestampUtc = at, CreatedAtUtc = at.AddMinutes(5),
                    ValidatedPath = path, ServerCalculatedStagedSize = 1000, PrunedAtUtc = trashed ? DashboardSeed.Now.AddDays(-1) : null, TrashPath = trashed ? path : null,
                });
            }
            return Task.CompletedTask;
        });
        return job.Id;
    }

    [Fact]
    public async Task The_api_gives_the_plan_as_the_cli_prints_it()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var id = await SeedAsync(host);

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Api.Anonymous.GetAsync("/api/retention/plan")).StatusCode);
        var response = await host.Api.Read.GetAsync($"/api/retention/plan?job={id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var plan = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        Assert.Equal(["keep", "keep", "prune", "prune"], plan.Select(p => p.GetProperty("action").GetString()));
        Assert.Equal(["last", "newest"], plan[0].GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(plan, JsonDocument.Parse(await host.Api.CliAsync("retention", "plan", "--format", "json")).RootElement.EnumerateArray().ToList(), JsonElementComparer.Instance);
        Assert.Empty(JsonDocument.Parse(await (await host.Api.Read.GetAsync("/api/retention/plan?company=Initech")).Content.ReadAsStringAsync()).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task The_job_page_lists_keep_or_prune_with_the_rule_and_the_trash_and_the_overview_the_storage()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var id = await SeedAsync(host);
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey);

        var page = WebUtility.HtmlDecode(await browser.PageAsync($"/jobs/{id}"));
        Assert.Contains("<code>last=2</code> (the job's own)", page);
        Assert.Contains("<td>keep</td>", page);
        Assert.Contains("<td>last #1, newest</td>", page);
        Assert.Equal(2, page.Split("<tr class=\"prune\">").Length - 1);
        Assert.Contains("class=\"trash-space\">1,000 bytes (1 file)", page);
        Assert.Contains("class=\"validated-space\">4,000 bytes (4 files)", page);

        var overview = WebUtility.HtmlDecode(await browser.PageAsync("/"));
        Assert.Contains("class=\"validated-space\">4,000 bytes (4 files)", overview);
        Assert.Contains("class=\"trash-space\">1,000 bytes (1 file)", overview);
    }

    private sealed class JsonElementComparer : IEqualityComparer<JsonElement>
    {
        public static readonly JsonElementComparer Instance = new();
        public bool Equals(JsonElement a, JsonElement b) => JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b);
        public int GetHashCode(JsonElement e) => JsonSerializer.Serialize(e).GetHashCode();
    }
}
