using System.Text.Json;

namespace BackupMonitor.Tests.Cli;

/// <summary>`jobs add | list | remove` (SPEC §8) and the JSON shape of a job (SPEC §2).</summary>
public class JobsCommandsTests
{
    private static readonly string[] JobFields =
    [
        "id", "company_name", "city", "neighborhood", "database_name", "agent_id_responsible", "expected_hour_utc",
        "expected_minute_utc", "grace_minutes", "is_active", "current_status", "acknowledged_at_utc", "last_checked_at_utc",
        "last_successful_backup_utc", "last_failed_backup_utc", "created_at_utc", "schedule", "time_zone", "next_expected_utc",
        "last_drill_utc", "last_drill_status", "retention",
    ];

    private static async Task<JsonElement[]> ListJsonAsync(CliHarness cli, params string[] extra)
    {
        using var document = JsonDocument.Parse(await cli.OkAsync(["jobs", "list", "--format", "json", .. extra]));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    [Fact]
    public async Task Jobs_add_prints_the_new_jobs_id()
    {
        using var cli = new CliHarness();

        Assert.Equal("1", (await cli.AddJobAsync("ACME", "Paris", "Centre", "sales")).Trim());
        Assert.Equal("2", (await cli.AddJobAsync("ACME", "Paris", "Centre", "hr")).Trim());
    }

    [Fact]
    public async Task Jobs_add_rejects_a_second_job_for_the_same_agent_and_database()
    {
        using var cli = new CliHarness();
        await cli.AddJobAsync("ACME", "Paris", "Centre", "sales");

        var run = await cli.RunAsync("jobs", "add", "--company", "Other", "--city", "X", "--neighborhood", "Y", "--database", "sales",
            "--hour", "4", "--minute", "0", "--agent-id", "ACME_Paris_Centre");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("agent 'ACME_Paris_Centre' and database 'sales' already have job 1", run.Err);
        Assert.Single(await ListJsonAsync(cli));
    }

    [Fact]
    public async Task Jobs_add_derives_the_agent_id_from_company_city_and_neighborhood_with_dashes_for_spaces()
    {
        using var cli = new CliHarness();
        await cli.AddJobAsync("Globex Corp", "Le Havre", "Vieux Port", "crm");

        var job = Assert.Single(await ListJsonAsync(cli));

        Assert.Equal("Globex-Corp_Le-Havre_Vieux-Port", job.GetProperty("agent_id_responsible").GetString());
    }

    [Fact]
    public async Task Jobs_add_rejects_an_hour_out_of_range_naming_the_field()
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("jobs", "add", "--company", "A", "--city", "B", "--neighborhood", "C", "--database", "d", "--hour", "24", "--minute", "0");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("expected_hour_utc", run.Err);
    }

    [Fact]
    public async Task Jobs_list_json_has_exactly_the_spec_field_names_lowercase_statuses_and_utc_timestamps()
    {
        using var cli = new CliHarness();
        await cli.AddJobAsync("ACME", "Paris", "Centre", "sales", "--grace-minutes", "30");

        var job = Assert.Single(await ListJsonAsync(cli));

        Assert.Equal(JobFields.Order(), job.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("unknown", job.GetProperty("current_status").GetString());
        Assert.Equal("2026-11-23T02:30:00Z", job.GetProperty("created_at_utc").GetString());
        Assert.Equal(30, job.GetProperty("grace_minutes").GetInt32());
        Assert.True(job.GetProperty("is_active").GetBoolean());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("schedule").ValueKind);
        Assert.Equal("UTC", job.GetProperty("time_zone").GetString());
        Assert.Equal("2026-11-24T02:00:00Z", job.GetProperty("next_expected_utc").GetString());
    }

    [Fact]
    public async Task Jobs_remove_deactivates_the_job_and_keeps_its_history()
    {
        using var cli = new CliHarness();
        await cli.AddJobAsync("ACME", "Paris", "Centre", "sales");
        await cli.AddJobAsync("ACME", "Paris", "Centre", "hr");
        cli.Time.SetUtcNow(new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero));
        await cli.OkAsync("scan"); // both jobs missing for the 23rd

        var removed = await cli.RunAsync("jobs", "remove", "1");
        cli.Time.SetUtcNow(new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero));
        await cli.OkAsync("scan");

        Assert.Equal(0, removed.ExitCode);
        Assert.Equal(["hr"], (await ListJsonAsync(cli)).Select(j => j.GetProperty("database_name").GetString()));
        var all = await ListJsonAsync(cli, "--all");
        Assert.False(all.Single(j => j.GetProperty("id").GetInt32() == 1).GetProperty("is_active").GetBoolean());
        using var history = JsonDocument.Parse(await cli.OkAsync("entries", "list", "--job", "1", "--format", "json"));
        Assert.Single(history.RootElement.EnumerateArray()); // kept, and no new one after removal
        using var other = JsonDocument.Parse(await cli.OkAsync("entries", "list", "--job", "2", "--format", "json"));
        Assert.Equal(2, other.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Jobs_remove_of_an_unknown_id_fails()
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("jobs", "remove", "42");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no job with id 42", run.Err);
    }
}
