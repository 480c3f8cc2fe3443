using System.Net;
using BackupMonitor.Cli;

namespace BackupMonitor.Tests.Api;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_with_an_unusable_database_exits_1_with_one_line_naming_the_provider()
    {
        var root = ApiTestHost.NewRoot();
        var settings = ApiTestHost.DefaultSettings(root);
        settings["DATABASE_PROVIDER"] = "sqlite";
        settings["DATABASE_CONNECTION_STRING"] = $"Data Source={root}"; // a folder, not a database file
        var error = new StringWriter();
        var code = await CliApp.RunAsync(["serve", "--urls", "http://127.0.0.1:0"], new CliContext(new StringWriter(), error, settings, TimeProvider.System));
        Assert.Equal(CliApp.Failed, code);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: cannot open the sqlite database:", line);
        Directory.Delete(root, recursive: true);
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
