using System.Text;
using BackupMonitor.Cli;

namespace BackupMonitor.Tests.Cli;

/// <summary>The process's stderr writer (one background thread): every line arrives whole, in each writer's order, before Flush or Dispose returns.</summary>
public sealed class StderrPumpTests
{
    [Fact]
    public async Task Lines_written_from_many_threads_all_arrive_whole_and_in_each_threads_order()
    {
        using var output = new MemoryStream();
        var pump = new StderrPump(output);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++) pump.WriteLine($"thread {t} line {i} é🚀");
        })));
        pump.Write("no newline yet");
        pump.Flush();

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split(Environment.NewLine);
        Assert.Equal("no newline yet", lines[^1]);
        for (var t = 0; t < 4; t++)
            Assert.Equal(Enumerable.Range(0, 2000).Select(i => $"thread {t} line {i} é🚀"), lines.Where(l => l.StartsWith($"thread {t} ", StringComparison.Ordinal)));
        Assert.Equal(8001, lines.Length);

        pump.WriteLine("!");
        await pump.DisposeAsync();
        Assert.EndsWith("no newline yet!" + Environment.NewLine, Encoding.UTF8.GetString(output.ToArray()), StringComparison.Ordinal);
    }
}
