using BackupMonitor.Cli;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BackupMonitor.Tests.Support;

/// <summary>
/// Runs `backupmonitor` commands in-process, as the executable would, with a given environment, the fake clock and
/// any infrastructure a test swaps in (<see cref="Registrations"/>). By default on a temporary root of its own
/// (<see cref="TestSettings.For"/> on <c>Root/data</c>), deleted on dispose.
/// </summary>
public sealed class CliHarness : IDisposable
{
    private readonly bool ownsRoot;

    public CliHarness(DateTime? now = null)
    {
        Root = TestSite.NewTempFolder();
        ownsRoot = true;
        Time = TestClock.New(now);
        Environment = TestSettings.For(Path.Combine(Root, "data"));
    }

    /// <summary>Commands on settings and a clock that someone else owns (a host on the same database); nothing deleted on dispose.</summary>
    public CliHarness(Dictionary<string, string?> environment, FakeTimeProvider time)
    {
        Time = time;
        Environment = environment;
        Root = DataRoot;
    }

    public string Root { get; }
    /// <summary>BACKUP_ROOT, the installation's four areas.</summary>
    public string DataRoot => Environment["BACKUP_ROOT"]!;
    public FakeTimeProvider Time { get; }
    public Dictionary<string, string?> Environment { get; }

    /// <summary>Infrastructure swapped for every command this harness runs (CliContext.Registrations).</summary>
    public List<Action<IServiceCollection>> Registrations { get; } = [];

    /// <summary>What the agents leave in this installation's staging area.</summary>
    public StagingWriter Agents => new(Path.Combine(DataRoot, "staging"), Time);

    public sealed record Run(int ExitCode, string Out, string Err)
    {
        public string[] ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        public string All => Out + "\n" + Err;
    }

    public async Task<Run> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, Context(output, error));
        SqliteConnection.ClearAllPools();
        return new Run(exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command that must succeed, and returns its standard output.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.ExitCode == CliApp.Done, $"'{string.Join(' ', args)}' exited {run.ExitCode}: {run.Err}");
        return run.Out;
    }

    public Task<string> AddJobAsync(string company, string city, string neighborhood, string database, params string[] extra) =>
        OkAsync(["jobs", "add", "--company", company, "--city", city, "--neighborhood", neighborhood, "--database", database, "--hour", "2", "--minute", "0", .. extra]);

    /// <summary>The services a command gets (settings read, storage areas made, database migrated); the caller disposes them.</summary>
    public Task<ServiceProvider> ServicesAsync() => Context(TextWriter.Null, TextWriter.Null).StartAsync(CancellationToken.None);

    private CliContext Context(TextWriter output, TextWriter error)
    {
        var context = new CliContext(output, error, Environment, Time);
        context.Registrations.AddRange(Registrations);
        return context;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (ownsRoot) TestSite.DeleteFolder(Root);
    }
}
