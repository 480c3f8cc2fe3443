using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using BackupMonitor.Tests.Dashboard;
using Microsoft.AspNetCore.TestHost;

namespace BackupMonitor.Tests.Security;

/// <summary>
/// Retention under SPEC §11: a key limited to one company plans and sees the storage of its jobs only (filtered in
/// SQL), another company's job is 404 like an unknown one; every retention change of the command line (set, unset,
/// apply, restore) is an audit event of `cli`, written with the change.
/// </summary>
public sealed class RetentionAccessTests
{
    /// <summary>One job per company, each with three nightly backups in validated storage, policy last=1.</summary>
    private static async Task<(int Acme, int Initech)> SeedAsync(DashboardTestHost host)
    {
        var acme = DashboardSeed.Job("ACME", "Paris", "Centre", "sales", JobStatus.Ok);
        var initech = DashboardSeed.Job("Initech", "Nantes", "Gare", "payroll", JobStatus.Ok);
        await host.SeedAsync(db => { db.Jobs.AddRange(acme, initech); return Task.CompletedTask; });
        await host.SeedAsync(db =>
        {
            foreach (var (job, size) in new[] { (acme, 1000), (initech, 7000) })
                for (var night = 0; night < 3; night++)
                {
                    var at = DashboardSeed.Now.Date.AddDays(-night).AddHours(2);
                    var path = $"{job.AgentIdResponsible}/{job.DatabaseName}/{at:yyyyMMdd'T'HHmmss'Z'}_{job.DatabaseName}.sql.gz";
                    var file = Path.Combine(host.Api.Root, "validated", path);
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    File.WriteAllText(file, new string('x', size));
                    db.Entries.Add(new BackupEntry
                    {
                        ExpectedJobId = job.Id, Status = BackupEntryStatus.Success, AgentReportTimestampUtc = at, CreatedAtUtc = at.AddMinutes(5),
                        ValidatedPath = path, ServerCalculatedStagedSize = size,
                    });
                }
            return Task.CompletedTask;
        });
        return (acme.Id, initech.Id);
    }

    private static HttpClient Client(DashboardTestHost host, string key)
    {
        var client = host.Api.App.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static List<int> JobIds(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateArray().Select(p => p.GetProperty("job_id").GetInt32()).Distinct().ToList();

    [Fact]
    public async Task A_key_of_one_company_plans_and_sees_the_storage_of_its_jobs_only()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var (acme, initech) = await SeedAsync(host);
        var key = (await host.Api.CliAsync("keys", "add", "--name", "acme-portal", "--role", "viewer", "--company", "ACME")).Trim();
        using var viewer = Client(host, key);

        Assert.Equal([acme, initech], JobIds(await host.Api.Read.GetStringAsync("/api/retention/plan")));
        Assert.Equal([acme], JobIds(await viewer.GetStringAsync("/api/retention/plan")));
        Assert.Empty(JobIds(await viewer.GetStringAsync("/api/retention/plan?company=Initech")));
        using var other = await viewer.GetAsync($"/api/retention/plan?job={initech}");
        using var unknown = await viewer.GetAsync("/api/retention/plan?job=999999");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal((await unknown.Content.ReadAsStringAsync()).Replace("999999", "ID").Split("trace")[0],
            (await other.Content.ReadAsStringAsync()).Replace(initech.ToString(), "ID").Split("trace")[0]);

        // The overview's storage tile: ACME's 3,000 bytes, not Initech's 21,000 (the admin sees both).
        var browser = await host.SignedInAsync(key);
        var overview = WebUtility.HtmlDecode(await browser.PageAsync("/"));
        Assert.Contains("class=\"validated-space\">3,000 bytes (3 files)", overview);
        Assert.DoesNotContain("Initech", overview);
        var admin = await host.SignedInAsync(Api.ApiTestHost.FullKey);
        Assert.Contains("class=\"validated-space\">24,000 bytes (6 files)", WebUtility.HtmlDecode(await admin.PageAsync("/")));
    }

    [Fact]
    public async Task Every_retention_change_of_the_command_line_is_audited_as_cli_with_the_change()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var (acme, initech) = await SeedAsync(host);

        await host.Api.CliAsync("retention", "set", "--job", acme.ToString(), "last=1");
        await host.Api.CliAsync("retention", "set", "--company", "Initech", "last=2");
        await host.Api.CliAsync("retention", "unset", "--company", "Initech");
        await host.Api.CliAsync("retention", "apply", "--max-prune-percent", "100");
        var pruned = host.Db(db => db.Entries.Where(e => e.PrunedAtUtc != null).OrderBy(e => e.Id).Select(e => e.Id).ToList());
        Assert.Equal(2, pruned.Count);
        await host.Api.CliAsync("retention", "restore", pruned[0].ToString());

        var events = host.Db(db => db.AuditEvents.OrderBy(a => a.Id).ToList()).Where(a => a.Action.StartsWith("retention.", StringComparison.Ordinal)).ToList();
        Assert.All(events, a => Assert.Equal("cli", a.Actor));
        Assert.Equal(
            [
                ("retention.set", $"job:{acme}", """{"retention":"last=1"}"""),
                ("retention.set", "company:Initech", """{"retention":"last=2"}"""),
                ("retention.unset", "company:Initech", """{"retention":null}"""),
            ],
            events.Take(3).Select(a => (a.Action, a.Target, a.Changes)));
        var prune = events[3];
        Assert.Equal(("retention.prune", $"job:{acme}"), (prune.Action, prune.Target));
        var changes = JsonDocument.Parse(prune.Changes!).RootElement;
        Assert.Equal(pruned, changes.GetProperty("entries").EnumerateArray().Select(e => e.GetInt32()).Order());
        Assert.Equal(100, changes.GetProperty("max_prune_percent").GetInt32());
        var restore = events[4];
        Assert.Equal(("retention.restore", $"entry:{pruned[0]}"), (restore.Action, restore.Target));
        Assert.Contains("validated_path", restore.Changes);
        Assert.Equal(5, events.Count);
        // Initech's job, without a policy of its own or its company's, is left alone: nothing of it is audited.
        Assert.DoesNotContain(events, a => a.Target == $"job:{initech}");
    }
}
