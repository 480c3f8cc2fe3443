using System.Diagnostics;
using System.Text;
using BackupMonitor.Tests.Api;
using BackupMonitor.Tests.Scale;
using BackupMonitor.Tests.Support;

namespace BackupMonitor.Tests.Agents;

/// <summary>
/// Real processes for the push tests: `backupmonitor serve` on a loopback port, the CLI on the same settings, the
/// reference agent, the bash agent and node's tus-js-client, each with its output kept for assertions.
/// </summary>
public sealed class PushProcesses : IAsyncDisposable
{
    private readonly List<(Process Process, StringBuilder Log)> servers = [];

    public PushProcesses(Dictionary<string, string?>? settings = null)
    {
        Root = ApiTestHost.NewRoot();
        Settings = (settings ?? ApiTestHost.DefaultSettings(Root)).Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value!);
        Settings["BACKUP_ROOT"] = Path.Combine(Root, "data");
        Settings["SCAN_INTERVAL_SECONDS"] = "3600";
        Settings["SCAN_MIN_FILE_AGE_SECONDS"] = "0";
        Work = Directory.CreateDirectory(Path.Combine(Root, "agent")).FullName;
    }

    public string Root { get; }
    /// <summary>Where agent configurations, tokens and spools live (outside the server's data).</summary>
    public string Work { get; }
    public Dictionary<string, string> Settings { get; }
    public string Staging => Path.Combine(Settings["BACKUP_ROOT"], "staging");

    public static string RepositoryRoot
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "BackupMonitor.slnx"))) folder = folder.Parent;
            return folder?.FullName ?? throw new InvalidOperationException("the repository root (BackupMonitor.slnx) is not above the tests");
        }
    }

    /// <summary>Starts `serve` and waits for /health; returns its base URL.</summary>
    public async Task<string> StartServeAsync()
    {
        var port = Loopback.FreePort();
        var url = $"http://127.0.0.1:{port}";
        var process = BackupMonitorProcess.Start(Settings, "serve", "--urls", url);
        var log = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        servers.Add((process, log));
        await BackupMonitorProcess.WaitUntilHealthyAsync(process, url, () => { lock (log) return log.ToString(); }, TimeSpan.FromSeconds(90));
        return url;
    }

    public string ServerLogs() => string.Join("\n", servers.Select(s => { lock (s.Log) return s.Log.ToString(); }));

    /// <summary>Runs the CLI on the servers' settings; fails the test unless it exits 0. Returns stdout.</summary>
    public async Task<string> CliAsync(params string[] args)
    {
        var result = await BackupMonitorProcess.RunAsync(Settings, args);
        Assert.True(result.ExitCode == 0, $"backupmonitor {string.Join(' ', args)}: exit {result.ExitCode}\n{result.Error}");
        return result.Output;
    }

    /// <summary>`agents add`, the token written to a file of the agent's (as an operator would); returns the token file.</summary>
    public async Task<string> AddAgentAsync(string agentId)
    {
        var token = (await CliAsync("agents", "add", agentId)).Trim();
        var file = Path.Combine(Work, agentId + ".token");
        await File.WriteAllTextAsync(file, token + "\n");
        return file;
    }

    /// <summary>A job for the database, expected now (the processes live on the wall clock).</summary>
    public Task AddJobAsync(string company, string city, string neighborhood, string database)
    {
        var now = DateTime.UtcNow;
        return CliAsync("jobs", "add", "--company", company, "--city", city, "--neighborhood", neighborhood, "--database", database,
            "--hour", now.Hour.ToString(), "--minute", now.Minute.ToString());
    }

    public static Process StartTool(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        info.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        return Process.Start(info)!;
    }

    public static Process StartAgent(string config) =>
        StartTool("dotnet", [Path.Combine(AppContext.BaseDirectory, "backupmonitor-agent.dll"), "run", "--config", config]);

    public static async Task<BackupMonitorProcess.Result> RunToolAsync(string file, params string[] args)
    {
        using var process = StartTool(file, args);
        return await BackupMonitorProcess.WaitAsync(process, TimeSpan.FromMinutes(5));
    }

    public static Task<BackupMonitorProcess.Result> RunAgentAsync(string verb, string config) =>
        RunToolAsync("dotnet", Path.Combine(AppContext.BaseDirectory, "backupmonitor-agent.dll"), verb, "--config", config);

    /// <summary>Writes the reference agent's JSON configuration; returns its path.</summary>
    public string AgentConfig(string url, string agentId, string tokenFile, params object[] databases)
    {
        var path = Path.Combine(Work, agentId + ".json");
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(new
        {
            server = url, agent_id = agentId, token_file = tokenFile, spool_directory = Path.Combine(Work, agentId + "-spool"), retry_minutes = 1, databases,
        }));
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (process, _) in servers)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
