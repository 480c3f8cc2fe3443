using System.Buffers;
using System.Text;

namespace BackupMonitor.Content;

/// <summary>A plain SQL dump is whole when its tool's completion line is among its last lines.</summary>
internal static class SqlDumpContent
{
    /// <summary>How far from the end the completion line may be (pg_dump may add an `\unrestrict` line after it).</summary>
    private const int TailSize = 4096;

    public static void Check(Stream input, BackupFormat format)
    {
        var completion = CompletionLine(format);
        var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        var tail = new byte[TailSize];
        var tailLength = 0;
        try
        {
            int read;
            while ((read = input.Read(buffer)) > 0)
            {
                if (read >= TailSize)
                {
                    buffer.AsSpan(read - TailSize, TailSize).CopyTo(tail);
                    tailLength = TailSize;
                }
                else
                {
                    var keep = Math.Min(tailLength, TailSize - read);
                    tail.AsSpan(tailLength - keep, keep).CopyTo(tail);
                    buffer.AsSpan(0, read).CopyTo(tail.AsSpan(keep));
                    tailLength = keep + read;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var lines = Encoding.UTF8.GetString(tail, 0, tailLength).Split('\n');
        if (!lines.Any(line => line.TrimEnd('\r', ' ').StartsWith(completion, StringComparison.Ordinal) && IsCompletion(line.TrimEnd('\r', ' '), format)))
            throw new ContentBrokenException($"sql: no '{completion}' line at the end");
    }

    private static bool IsCompletion(string line, BackupFormat format) =>
        format is BackupFormat.MysqlSql or BackupFormat.MariadbSql || line == CompletionLine(format);

    public static string CompletionLine(BackupFormat format) => format switch
    {
        BackupFormat.PostgresSql => "-- PostgreSQL database dump complete",
        BackupFormat.PostgresClusterSql => "-- PostgreSQL database cluster dump complete",
        _ => "-- Dump completed",
    };
}
