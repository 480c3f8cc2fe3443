using System.Diagnostics;

namespace BackupMonitor.Tests.Scale;

/// <summary>Runs the real `backupmonitor` executable (copied next to the tests) as a separate process.</summary>
public sealed class BackupMonitorProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "backupmonitor.dll");

    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        info.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        return Process.Start(info) ?? throw new InvalidOperationException("could not start backupmonitor");
    }

    public static async Task<Result> WaitAsync(Process process, TimeSpan timeout)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"backupmonitor did not finish within {timeout}: {await error}");
        }
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Polls `/health` until `serve` answers 200; fails with its log if it exits or the deadline passes.</summary>
    public static async Task WaitUntilHealthyAsync(Process server, string baseUrl, Func<string> log, TimeSpan deadline)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(10) };
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            Assert.False(server.HasExited, $"serve exited early:\n{log()}");
            Assert.True(DateTime.UtcNow < until, $"serve not healthy before the deadline:\n{log()}");
            try
            {
                if ((await http.GetAsync("/health")).StatusCode == System.Net.HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
    }

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(environment, args);
        return await WaitAsync(process, TimeSpan.FromMinutes(3));
    }
}
