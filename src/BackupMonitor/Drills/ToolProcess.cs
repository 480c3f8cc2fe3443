using System.Diagnostics;
using System.Text;

namespace BackupMonitor.Drills;

/// <summary>How a restore tool ended: its exit code and the last lines it wrote on stderr.</summary>
public sealed record ToolExit(int ExitCode, string ErrorTail);

/// <summary>
/// Runs a restore tool (pg_restore, psql) with the backup's content written to its standard input as it is read
/// (never a copy on disk), stdout discarded, the last lines of stderr kept. Cancelling kills the tool and
/// everything it started.
/// </summary>
public static class ToolProcess
{
    private const int TailLines = 12;
    private const int TailChars = 3000;

    /// <param name="feed">Writes the input to the tool's stdin; an exception it throws (a damaged compressed stream) is rethrown after the tool ends.</param>
    public static async Task<ToolExit> RunAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment,
        Func<Stream, CancellationToken, Task> feed, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DrillToolMissingException($"{program}: cannot be started ({e.Message}); install PostgreSQL's client tools on this host");
        }
        var tail = new Queue<string>();
        var errors = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(CancellationToken.None) is { } line)
                lock (tail)
                {
                    tail.Enqueue(line);
                    if (tail.Count > TailLines) tail.Dequeue();
                }
        }, CancellationToken.None);
        var output = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
        Exception? feedFailure = null;
        await using (cancellationToken.Register(() => Kill(process)))
        {
            try
            {
                await feed(process.StandardInput.BaseStream, cancellationToken);
            }
            catch (IOException) when (process.HasExited || HasExitedSoon(process))
            {
                // The tool stopped reading (it failed and exited): its exit code and stderr say why.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                feedFailure = e;
                Kill(process);
            }
            finally
            {
                try { process.StandardInput.Close(); } catch (IOException) { }
            }
            await process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAll(errors, output);
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (feedFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(feedFailure);
        string text;
        lock (tail) text = string.Join('\n', tail);
        if (text.Length > TailChars) text = "…" + text[^TailChars..];
        return new ToolExit(process.ExitCode, text.Trim());
    }

    private static bool HasExitedSoon(Process process) => process.WaitForExit(TimeSpan.FromSeconds(5));

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    /// <summary>The first line of a tool's `--version` (`pg_restore (PostgreSQL) 15.18 (Debian …)`) as a version.</summary>
    public static Version? ParseVersion(string text)
    {
        var match = System.Text.RegularExpressions.Regex.Match(text, @"\)\s+(\d+)(?:\.(\d+))?");
        if (!match.Success) return null;
        return new Version(int.Parse(match.Groups[1].Value), match.Groups[2].Success ? int.Parse(match.Groups[2].Value) : 0);
    }

    public static async Task<string> OutputOfAsync(string program, string argument, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program, argument) { RedirectStandardOutput = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
        using var process = Process.Start(start) ?? throw new DrillToolMissingException($"{program}: cannot be started");
        var text = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return text;
    }
}

/// <summary>A restore tool is not installed: the drill fails saying so.</summary>
public sealed class DrillToolMissingException(string message) : Exception(message);
