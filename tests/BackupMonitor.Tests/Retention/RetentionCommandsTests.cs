using System.Text.Json;
using BackupMonitor.Cli;

namespace BackupMonitor.Tests.Retention;

/// <summary>`retention plan | apply | set | unset | restore` through the command line (SPEC §8, §14).</summary>
public class RetentionCommandsTests
{
    private static async Task<(RetentionSite Site, CliHarness Cli, int JobId)> SiteAsync(int nights = 6)
    {
        var site = await RetentionSite.CreateAsync();
        var job = await site.AddJobWithBackupsAsync("ACME_Paris_Centre", nights);
        var environment = RetentionCrashTests.ProcessEnvironment(site.Site).ToDictionary(e => e.Key, e => (string?)e.Value);
        return (site, new CliHarness(environment, site.Site.Time), job.Id);
    }

    [Fact]
    public async Task Set_validates_the_policy_naming_the_bad_part_and_the_job_shows_its_own_policy()
    {
        var (site, cli, id) = await SiteAsync();
        await using var _ = site;
        using var __ = cli;

        var bad = await cli.RunAsync("retention", "set", "--job", id.ToString(), "dialy=7,weekly=x");
        Assert.Equal(CliApp.Failed, bad.ExitCode);
        Assert.Contains("'dialy=7': unknown rule 'dialy'", bad.Err);
        Assert.Contains("'weekly=x': the count of 'weekly' must be a whole number", bad.Err);
        Assert.Equal(CliApp.BadUsage, (await cli.RunAsync("retention", "set", "daily=7")).ExitCode);
        Assert.Equal(CliApp.Failed, (await cli.RunAsync("retention", "set", "--job", "999", "daily=7")).ExitCode);
        Assert.Contains("company 'Initech' has no job", (await cli.RunAsync("retention", "set", "--company", "Initech", "daily=7")).Err);

        Assert.Contains("retention daily=7,yearly=2", await cli.OkAsync("retention", "set", "--job", id.ToString(), "yearly=2, daily=7"));
        var job = JsonDocument.Parse(await cli.OkAsync("jobs", "list", "--format", "json")).RootElement[0];
        Assert.Equal("daily=7,yearly=2", job.GetProperty("retention").GetString());

        await cli.OkAsync("retention", "unset", "--job", id.ToString());
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(await cli.OkAsync("jobs", "list", "--format", "json")).RootElement[0].GetProperty("retention").ValueKind);
        Assert.Equal(CliApp.Failed, (await cli.RunAsync("retention", "unset", "--company", "ACME")).ExitCode); // it had none
    }

    [Fact]
    public async Task Plan_prints_each_backup_with_the_rules_that_keep_it_as_json_and_as_borg_prune_list_lines()
    {
        var (site, cli, id) = await SiteAsync();
        await using var _ = site;
        using var __ = cli;
        await cli.OkAsync("retention", "set", "--company", "ACME", "last=3");

        var plan = JsonDocument.Parse(await cli.OkAsync("retention", "plan", "--job", id.ToString(), "--format", "json")).RootElement.EnumerateArray().ToList();
        Assert.Equal(6, plan.Count);
        Assert.Equal(["job_id", "entry_id", "agent_report_timestamp_utc", "validated_path", "action", "rules", "reason"], plan[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["last", "newest"], plan[0].GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("2026-12-04T02:10:00Z", plan[0].GetProperty("agent_report_timestamp_utc").GetString());
        Assert.Equal(["keep", "keep", "keep", "prune", "prune", "prune"], plan.Select(p => p.GetProperty("action").GetString()));
        Assert.Empty(plan[5].GetProperty("rules").EnumerateArray());

        var table = await cli.OkAsync("retention", "plan");
        Assert.Contains("policy last=3 (company), 6 validated backups, 3 to prune", table);
        Assert.Contains("Keeping backup (rule: last #1, newest):", table);
        Assert.Contains("Keeping backup (rule: last #3):", table);
        Assert.Equal(3, table.Split('\n').Count(l => l.TrimStart().StartsWith("Would prune:")));
        Assert.Empty(site.Files(site.Trash)); // a dry run
    }

    [Fact]
    public async Task Apply_then_restore_through_the_command_line()
    {
        var (site, cli, id) = await SiteAsync();
        await using var _ = site;
        using var __ = cli;
        await cli.OkAsync("retention", "set", "--job", id.ToString(), "last=4");

        Assert.Equal(CliApp.Failed, (await cli.RunAsync("retention", "apply", "--max-prune-percent", "101")).ExitCode);
        var summary = JsonDocument.Parse(await cli.OkAsync("retention", "apply", "--format", "json")).RootElement;
        Assert.Equal(2, summary.GetProperty("pruned").GetInt32());
        var entries = JsonDocument.Parse(await cli.OkAsync("entries", "list", "--job", id.ToString(), "--format", "json")).RootElement.EnumerateArray().ToList();
        var pruned = entries.Where(e => e.GetProperty("pruned_at_utc").ValueKind != JsonValueKind.Null).ToList();
        Assert.Equal(2, pruned.Count);
        Assert.All(pruned, e => Assert.Equal(e.GetProperty("validated_path").GetString(), e.GetProperty("trash_path").GetString()));

        var entryId = pruned[0].GetProperty("id").GetInt32();
        Assert.Contains($"Entry {entryId} restored to validated/", await cli.OkAsync("retention", "restore", entryId.ToString()));
        Assert.Contains("is not in the trash", (await cli.RunAsync("retention", "restore", entryId.ToString())).Err);
        Assert.Contains("entry 99999 not found", (await cli.RunAsync("retention", "restore", "99999")).Err);
        Assert.Single(site.Files(site.Trash));
    }
}
