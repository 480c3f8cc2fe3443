using System.Text;

namespace BackupMonitor.Cli;

/// <summary>
/// The process's stderr, written by one background thread: a line logged is appended to a buffer, and the thread,
/// woken when the buffer stops being empty, writes whatever has gathered in one call. A scan logs a line per backup
/// (SPEC §8), and Console.Error flushes each one with its own write(2) on the scan's own flow — about 10 µs a line
/// here, a tenth of a second per 10,000 backups (bench/README.md). Lines still leave within microseconds of being
/// logged when the process is otherwise idle; <see cref="Flush"/> and <see cref="DisposeAsync"/> wait until they are out.
/// </summary>
public sealed class StderrPump : TextWriter
{
    private readonly Stream output;
    private readonly object gate = new();
    private readonly Thread writer;
    private StringBuilder pending = new();
    private StringBuilder spare = new();
    private bool writing;
    private bool stopping;

    public StderrPump(Stream output)
    {
        this.output = output;
        writer = new Thread(Run) { IsBackground = true, Name = "stderr" };
        writer.Start();
    }

    public override Encoding Encoding { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    public override void Write(char value)
    {
        lock (gate) Appended(pending.Append(value));
    }

    public override void Write(string? value)
    {
        lock (gate) Appended(pending.Append(value));
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (gate) Appended(pending.Append(buffer, index, count));
    }

    public override void WriteLine(string? value)
    {
        lock (gate) Appended(pending.Append(value).Append(CoreNewLine));
    }

    /// <summary>Wakes the writer unless it is already writing (it then takes what gathered when it is done). Under the gate.</summary>
    private void Appended(StringBuilder _)
    {
        if (!writing) Monitor.Pulse(gate);
    }

    /// <summary>Returns once everything written so far has reached the stream.</summary>
    public override void Flush()
    {
        lock (gate)
        {
            while (pending.Length > 0 || writing) Monitor.Wait(gate);
        }
        output.Flush();
    }

    private void Run()
    {
        while (true)
        {
            StringBuilder batch;
            lock (gate)
            {
                writing = false;
                Monitor.PulseAll(gate);
                while (pending.Length == 0 && !stopping) Monitor.Wait(gate);
                if (pending.Length == 0) return;
                (batch, pending, spare) = (pending, spare, pending);
                writing = true;
            }
            try
            {
                output.Write(Encoding.GetBytes(batch.ToString()));
            }
            catch (IOException)
            {
                // stderr closed: what could not be written is dropped, as Console.Error would drop it.
            }
            batch.Clear();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (gate)
            {
                stopping = true;
                Monitor.PulseAll(gate);
            }
            writer.Join();
            output.Flush();
        }
        base.Dispose(disposing);
    }
}
