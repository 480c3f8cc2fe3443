namespace BackupMonitor.Tests.Cli;

/// <summary>SPEC §7–8: bad settings exit 1 with one line naming them; bad usage exits 2; `--NAME=value` wins.</summary>
public class SettingsAndUsageTests
{
    [Theory]
    [InlineData("EMAIL_PORT", "abc")]
    [InlineData("DATABASE_PROVIDER", "oracle")]
    [InlineData("MISSING_GRACE_MINUTES", "721")]
    [InlineData("NOTIFY_ON_RECOVERY", "maybe")]
    [InlineData("ALERT_MODE", "sometimes")]
    [InlineData("ALERT_REMINDER_HOURS", "-1")]
    [InlineData("ALERT_DIGEST_THRESHOLD", "many")]
    public async Task A_bad_setting_stops_the_command_with_one_line_naming_it(string name, string value)
    {
        using var cli = new CliHarness();
        cli.Environment[name] = value;

        var run = await cli.RunAsync("jobs", "list");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrLines);
        Assert.StartsWith($"error: {name}: expected", line);
        Assert.Contains($"'{value}'", line);
        Assert.Empty(run.Out);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("jobs", "add", "--city", "Paris")]
    [InlineData("jobs", "list", "--format", "xml")]
    [InlineData("entries", "list", "--status", "broken")]
    [InlineData("jobs", "remove", "not-a-number")]
    public async Task Bad_command_line_usage_exits_with_code_2(params string[] args)
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error:", run.Err);
        Assert.False(Directory.Exists(cli.DataRoot)); // nothing was started
    }

    [Fact]
    public async Task A_setting_given_as_argument_overrides_the_environment()
    {
        using var cli = new CliHarness();
        // The database follows BACKUP_ROOT only when no connection string is given: this test is about that.
        cli.Environment["DATABASE_PROVIDER"] = "sqlite";
        cli.Environment.Remove("DATABASE_CONNECTION_STRING");
        var fromArgument = Path.Combine(cli.Root, "other");

        await cli.OkAsync("jobs", "add", "--company", "A", "--city", "B", "--neighborhood", "C", "--database", "d",
            "--hour", "1", "--minute", "0", $"--BACKUP_ROOT={fromArgument}");

        Assert.True(File.Exists(Path.Combine(fromArgument, "backupmonitor.db")));
        Assert.False(Directory.Exists(cli.DataRoot));
    }
}
