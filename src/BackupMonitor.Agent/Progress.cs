using System.Diagnostics;

namespace BackupMonitor.Agent;

/// <summary>Progress on stderr, only when it is a terminal (SPEC §8): what, bytes done (of the total) and the rate; logs stay clean.</summary>
public sealed class Progress(bool enabled)
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private TimeSpan lastShown = TimeSpan.MinValue;
    private long startBytes = -1;
    private TimeSpan startTime;

    public static Progress ForStderr() => new(!Console.IsErrorRedirected);

    public void Report(string what, long done, long? total)
    {
        if (!enabled) return;
        if (startBytes < 0) { startBytes = done; startTime = clock.Elapsed; }
        if (clock.Elapsed - lastShown < TimeSpan.FromMilliseconds(250)) return;
        lastShown = clock.Elapsed;
        var seconds = Math.Max(0.001, (clock.Elapsed - startTime).TotalSeconds);
        var rate = (done - startBytes) / seconds / 1e6;
        var of = total is { } t ? $" of {Mib(t)} ({100.0 * done / Math.Max(1, t):0}%)" : "";
        Console.Error.Write($"\r{what}: {Mib(done)}{of}, {rate:0.0} MB/s   ");
    }

    public void Done()
    {
        if (enabled && startBytes >= 0) Console.Error.WriteLine();
        startBytes = -1;
    }

    private static string Mib(long bytes) => $"{bytes / 1048576.0:0.0} MiB";
}
