using BackupMonitor.Cli;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace BackupMonitor.Tests.Support;

/// <summary>Runs `backupmonitor` commands in-process on a temporary root, with a given environment and a fake clock.</summary>
public sealed class CliHarness : IDisposable
{
    public string Root { get; } = TestSite.NewTempFolder();
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(TestSite.DefaultNow));
    public Dictionary<string, string?> Environment { get; }

    public CliHarness()
    {
        Environment = TestDatabase.Settings(Path.Combine(Root, "data"));
        Environment["BACKUP_ROOT"] = Path.Combine(Root, "data");
        Environment["SCAN_MIN_FILE_AGE_SECONDS"] = "0";
    }

    public string DataRoot => Path.Combine(Root, "data");

    public sealed record Run(int ExitCode, string Out, string Err)
    {
        public string[] ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public async Task<Run> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, new CliContext(output, error, Environment, Time));
        SqliteConnection.ClearAllPools();
        return new Run(exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command that must succeed, and returns its standard output.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.ExitCode == 0, $"'{string.Join(' ', args)}' exited {run.ExitCode}: {run.Err}");
        return run.Out;
    }

    public Task<string> AddJobAsync(string company, string city, string neighborhood, string database, params string[] extra) =>
        OkAsync(["jobs", "add", "--company", company, "--city", city, "--neighborhood", neighborhood, "--database", database, "--hour", "2", "--minute", "0", .. extra]);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestSite.DeleteFolder(Root);
    }
}
