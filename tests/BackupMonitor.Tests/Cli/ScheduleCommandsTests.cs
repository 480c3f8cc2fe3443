using System.Text.Json;

namespace BackupMonitor.Tests.Cli;

/// <summary>Scheduled jobs end to end through the command line: `jobs add --schedule`, `scan`, the missing entries, the errors.</summary>
public class ScheduleCommandsTests
{
    private const string Agent = "ACME_Paris_Centre";

    private static Task<string> AddScheduledAsync(CliHarness cli, string database, string cron, params string[] extra) =>
        cli.OkAsync(["jobs", "add", "--company", "ACME", "--city", "Paris", "--neighborhood", "Centre", "--database", database,
            "--schedule", cron, "--time-zone", "Europe/Paris", .. extra]);

    private static async Task<List<DateTime>> MissedCyclesAsync(CliHarness cli, string jobId)
    {
        using var document = JsonDocument.Parse(await cli.OkAsync("entries", "list", "--job", jobId, "--status", "missing", "--format", "json", "--limit", "1000"));
        return document.RootElement.EnumerateArray().Select(e => e.GetProperty("expected_cycle_utc").GetDateTime().ToUniversalTime()).Order().ToList();
    }

    private static DateTime Utc(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, DateTimeKind.Utc);

    /// <summary>A good backup of <paramref name="database"/> made at <paramref name="operation"/>, left in staging as an agent would.</summary>
    private static void WriteBackup(CliHarness cli, string database, DateTime operation)
    {
        var content = System.Text.Encoding.UTF8.GetBytes("dump " + operation.ToString("O"));
        cli.Agents.WriteSuccessfulBackup(Agent, database, operation, content);
    }

    [Fact]
    public async Task Every_four_hours_in_Paris_records_one_missing_entry_per_missed_cycle_once()
    {
        using var cli = new CliHarness(); // Monday 23 November 2026, 02:30 UTC
        var id = (await AddScheduledAsync(cli, "txlog", "0 */4 * * *", "--grace-minutes", "30")).Trim();

        cli.Time.SetUtcNow(new DateTimeOffset(Utc(23, 7, 20)));
        WriteBackup(cli, "txlog", Utc(23, 7, 5)); // the 08:00 Paris (07:00 UTC) cycle arrives
        cli.Time.SetUtcNow(new DateTimeOffset(Utc(23, 12, 0)));
        await cli.OkAsync("scan");
        await cli.OkAsync("scan");

        // 04:00 and 12:00 Paris are missed (03:00 and 11:00 UTC); 08:00 Paris came; 00:00 Paris was before registration.
        Assert.Equal([Utc(23, 3), Utc(23, 11)], await MissedCyclesAsync(cli, id));
        using var list = JsonDocument.Parse(await cli.OkAsync("jobs", "list", "--format", "json"));
        var job = list.RootElement[0];
        Assert.Equal("0 */4 * * *", job.GetProperty("schedule").GetString());
        Assert.Equal("Europe/Paris", job.GetProperty("time_zone").GetString());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("expected_hour_utc").ValueKind);
        Assert.Equal("2026-11-23T15:00:00Z", job.GetProperty("next_expected_utc").GetString());
        Assert.Equal("missing", job.GetProperty("current_status").GetString());
        Assert.Contains("0 */4 * * * (Europe/Paris)", await cli.OkAsync("jobs", "list"));
    }

    [Fact]
    public async Task Weekdays_only_is_never_missing_on_the_weekend()
    {
        using var cli = new CliHarness();
        var weekdays = (await AddScheduledAsync(cli, "sales", "0 2 * * 1-5")).Trim();

        cli.Time.SetUtcNow(new DateTimeOffset(Utc(28, 12, 0))); // Saturday
        await cli.OkAsync("scan");
        Assert.Equal([Utc(24, 1), Utc(25, 1), Utc(26, 1), Utc(27, 1)], await MissedCyclesAsync(cli, weekdays));
        cli.Time.SetUtcNow(new DateTimeOffset(Utc(30, 2, 0))); // Monday, the deadline of its cycle
        await cli.OkAsync("scan");
        Assert.Equal([Utc(24, 1), Utc(25, 1), Utc(26, 1), Utc(27, 1), Utc(30, 1)], await MissedCyclesAsync(cli, weekdays));
    }

    [Theory]
    [InlineData(new[] { "--schedule", "0 2 * * *", "--hour", "2", "--minute", "0" }, "schedule: give either a schedule or expected_hour_utc/expected_minute_utc, not both")]
    [InlineData(new[] { "--schedule", "0 25 * * *" }, "schedule: hour field (2nd) of '0 25 * * *'")]
    [InlineData(new[] { "--schedule", "0 2 30 2 *" }, "schedule: '0 2 30 2 *' never fires")]
    [InlineData(new[] { "--schedule", "0 2 * * *", "--time-zone", "Europe/Pari" }, "time_zone: unknown time zone 'Europe/Pari'")]
    [InlineData(new[] { "--schedule", "*/30 * * * *", "--grace-minutes", "45" }, "grace_minutes: must be shorter than the schedule's shortest gap between two occurrences (30 minutes), got 45")]
    public async Task Jobs_add_refuses_a_bad_schedule_naming_the_field(string[] options, string problem)
    {
        using var cli = new CliHarness();
        var run = await cli.RunAsync(["jobs", "add", "--company", "ACME", "--city", "Paris", "--neighborhood", "Centre", "--database", "sales", .. options]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(problem, run.Err);
        Assert.Equal("[]", (await cli.OkAsync("jobs", "list", "--format", "json")).Trim());
    }

    [Fact]
    public async Task Import_reads_schedule_and_time_zone_columns_all_or_nothing()
    {
        using var cli = new CliHarness();
        var file = Path.Combine(cli.Root, "jobs.csv");
        File.WriteAllText(file,
            "company,city,neighborhood,database,hour,minute,agent_id,grace_minutes,schedule,time_zone\n" +
            "ACME,Paris,Centre,sales,2,0,,,,\n" +
            "ACME,Paris,Centre,txlog,,,,30,0 */4 * * *,Europe/Paris\n" +
            "ACME,Paris,Centre,hr,,,,,0 2 * * 1-5,Europe/Pariss\n");

        var bad = await cli.RunAsync("jobs", "import", file);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("line 4: time_zone: unknown time zone 'Europe/Pariss'", bad.Err);
        Assert.Equal("[]", (await cli.OkAsync("jobs", "list", "--format", "json")).Trim());

        File.WriteAllText(file, File.ReadAllText(file).Replace("Pariss", "Paris"));
        await cli.OkAsync("jobs", "import", file);
        using var list = JsonDocument.Parse(await cli.OkAsync("jobs", "list", "--format", "json"));
        var jobs = list.RootElement.EnumerateArray().ToDictionary(j => j.GetProperty("database_name").GetString()!);
        Assert.Equal("0 */4 * * *", jobs["txlog"].GetProperty("schedule").GetString());
        Assert.Equal("Europe/Paris", jobs["hr"].GetProperty("time_zone").GetString());
        Assert.Equal(2, jobs["sales"].GetProperty("expected_hour_utc").GetInt32());
        Assert.Equal(JsonValueKind.Null, jobs["sales"].GetProperty("schedule").ValueKind);
    }
}
