using System.Text.Json;

namespace BackupMonitor.Tests.Jobs;

/// <summary>`jobs import FILE` (SPEC §8): CSV or JSON, all or nothing, problems named by line.</summary>
public class JobImportTests
{
    private static async Task<string[]> DatabasesAsync(CliHarness cli)
    {
        using var document = JsonDocument.Parse(await cli.OkAsync("jobs", "list", "--format", "json"));
        return document.RootElement.EnumerateArray().Select(j => j.GetProperty("database_name").GetString()!).Order().ToArray();
    }

    private static string Write(CliHarness cli, string name, string text)
    {
        var path = Path.Combine(cli.Root, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Import_registers_every_job_of_a_csv_file()
    {
        using var cli = new CliHarness();
        var file = Write(cli, "jobs.csv",
            "company,city,neighborhood,database,hour,minute,agent_id,grace_minutes\n" +
            "ACME,Paris,Centre,sales,2,0,,\n" +
            "\"Globex, Inc\",Le Havre,Port,crm,23,30,GLX_Havre,90\n");

        await cli.OkAsync("jobs", "import", file);

        using var document = JsonDocument.Parse(await cli.OkAsync("jobs", "list", "--format", "json"));
        var jobs = document.RootElement.EnumerateArray().ToDictionary(j => j.GetProperty("database_name").GetString()!);
        Assert.Equal("ACME_Paris_Centre", jobs["sales"].GetProperty("agent_id_responsible").GetString());
        Assert.Equal(JsonValueKind.Null, jobs["sales"].GetProperty("grace_minutes").ValueKind);
        Assert.Equal("Globex, Inc", jobs["crm"].GetProperty("company_name").GetString());
        Assert.Equal("GLX_Havre", jobs["crm"].GetProperty("agent_id_responsible").GetString());
        Assert.Equal(23, jobs["crm"].GetProperty("expected_hour_utc").GetInt32());
        Assert.Equal(90, jobs["crm"].GetProperty("grace_minutes").GetInt32());
    }

    [Fact]
    public async Task Import_registers_every_job_of_a_json_array()
    {
        using var cli = new CliHarness();
        var file = Write(cli, "jobs.json", """
            [
              {"company_name": "ACME", "city": "Paris", "neighborhood": "Centre", "database_name": "sales", "expected_hour_utc": 2, "expected_minute_utc": 0},
              {"company_name": "ACME", "city": "Paris", "neighborhood": "Centre", "database_name": "hr", "expected_hour_utc": 3, "expected_minute_utc": 15, "grace_minutes": 30}
            ]
            """);

        await cli.OkAsync("jobs", "import", file);

        Assert.Equal(["hr", "sales"], await DatabasesAsync(cli));
    }

    [Fact]
    public async Task Import_saves_nothing_when_one_csv_line_is_bad_and_names_that_line()
    {
        using var cli = new CliHarness();
        var file = Write(cli, "jobs.csv",
            "company,city,neighborhood,database,hour,minute\n" +
            "ACME,Paris,Centre,sales,2,0\n" +
            "ACME,Paris,Centre,hr,25,0\n" +
            "ACME,Paris,Centre,stock,2,0\n");

        var run = await cli.RunAsync("jobs", "import", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("line 3: expected_hour_utc: must be from 0 to 23, got 25", run.Err);
        Assert.Empty(await DatabasesAsync(cli));
    }

    [Fact]
    public async Task Import_saves_nothing_when_one_json_item_is_bad_and_names_its_line()
    {
        using var cli = new CliHarness();
        var file = Write(cli, "jobs.json", """
            [
              {"company_name": "ACME", "city": "Paris", "neighborhood": "Centre", "database_name": "sales", "expected_hour_utc": 2, "expected_minute_utc": 0},
              {"company_name": "ACME", "city": "Paris", "neighborhood": "Centre", "database_name": "hr", "expected_hour_utc": "two", "expected_minute_utc": 0}
            ]
            """);

        var run = await cli.RunAsync("jobs", "import", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("line 3 (item 2): expected_hour_utc: must be an integer", run.Err);
        Assert.Empty(await DatabasesAsync(cli));
    }

    [Fact]
    public async Task Import_rejects_a_job_that_already_exists_and_saves_none_of_the_file()
    {
        using var cli = new CliHarness();
        await cli.AddJobAsync("ACME", "Paris", "Centre", "sales");
        var file = Write(cli, "jobs.csv",
            "company,city,neighborhood,database,hour,minute\n" +
            "ACME,Paris,Centre,hr,2,0\n" +
            "ACME,Paris,Centre,sales,2,0\n");

        var run = await cli.RunAsync("jobs", "import", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("line 3: agent 'ACME_Paris_Centre' and database 'sales' already have job 1", run.Err);
        Assert.Equal(["sales"], await DatabasesAsync(cli));
    }

    [Fact]
    public async Task Import_rejects_a_pair_repeated_inside_the_file()
    {
        using var cli = new CliHarness();
        var file = Write(cli, "jobs.csv",
            "company,city,neighborhood,database,hour,minute\n" +
            "ACME,Paris,Centre,sales,2,0\n" +
            "ACME,Paris,Centre,sales,4,0\n");

        var run = await cli.RunAsync("jobs", "import", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("line 3:", run.Err);
        Assert.Contains("repeat line 2", run.Err);
        Assert.Empty(await DatabasesAsync(cli));
    }
}
