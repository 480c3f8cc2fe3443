using System.Net;
using BackupMonitor.Cli;

namespace BackupMonitor.Tests.Api;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_with_an_unusable_database_exits_1_with_one_line_naming_the_provider()
    {
        using var cli = new CliHarness();
        cli.Environment["API_KEYS"] = ApiTestHost.FullKey;
        cli.Environment["DATABASE_PROVIDER"] = "sqlite";
        cli.Environment["DATABASE_CONNECTION_STRING"] = $"Data Source={cli.Root}"; // a folder, not a database file
        var run = await cli.RunAsync("serve", "--urls", "http://127.0.0.1:0");
        Assert.Equal(CliApp.Failed, run.ExitCode);
        var line = Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: cannot open the sqlite database:", line);
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await using var host = await ApiTestHost.StartAsync();
        var response = await host.Full.GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        (await ApiTestHost.ProblemAsync(response)).Dispose();
    }
}
