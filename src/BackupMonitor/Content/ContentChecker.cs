using System.Buffers;
using BackupMonitor.Domain;

namespace BackupMonitor.Content;

/// <summary>
/// Checks that a stream holds a whole, decodable backup of the format its first bytes announce (SPEC §5.1).
/// Reads forward only, in fixed buffers: never a whole file or decompressed stream in memory.
/// </summary>
public static class ContentChecker
{
    /// <summary>A check that would decode more than this many times the file's size stops as `skipped`.</summary>
    public const long MaxExpansion = 1000;

    /// <summary>
    /// Checks <paramref name="input"/>, read from its first byte, as <paramref name="format"/>. <paramref name="path"/>
    /// is the file itself, read again for a zip (whose central directory is at its end).
    /// </summary>
    public static ContentVerdict Check(BackupFormat format, Stream input, long fileSize, string? path)
    {
        var run = new CheckRun(format.Name(), Math.Max(fileSize, 1) * MaxExpansion, path);
        try
        {
            switch (format)
            {
                case BackupFormat.Zip:
                    ZipContent.Check(path, run.Limit);
                    break;
                case BackupFormat.Tar:
                    TarContent.Walk(input, "tar");
                    break;
                case BackupFormat.PgDumpCustom:
                    PgDumpContent.Check(input, run.Limit);
                    break;
                case var sql when sql.IsSql():
                    SqlDumpContent.Check(input, sql);
                    break;
                default:
                    CompressedContent.Check(format, input, run);
                    break;
            }
            return ContentVerdict.Passed(run.Format);
        }
        catch (ContentBrokenException e)
        {
            return ContentVerdict.Failed(run.Format, e.Message);
        }
        catch (ContentNotCheckedException e)
        {
            return ContentVerdict.Skipped(run.Format, e.Message);
        }
    }

    /// <summary>Checks a whole file on its own (tests, tools): recognises it, then checks it.</summary>
    public static ContentVerdict CheckFile(string path)
    {
        using var file = File.OpenRead(path);
        var head = new byte[FormatSniffer.HeadSize];
        var n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (FormatSniffer.Identify(head.AsSpan(0, n)) is not { } format) return ContentVerdict.Unrecognised;
        file.Position = 0;
        return Check(format, file, file.Length, path);
    }

    /// <summary>Reads a stream to its end (the decoders check their checksums on the way).</summary>
    internal static void Drain(Stream stream)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            while (stream.Read(buffer) > 0) { }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>One check's running state: the format as far as recognised (`gzip`, then `gzip+tar`) and its decoding limit.</summary>
internal sealed class CheckRun(string format, long limit, string? path)
{
    public string Format { get; set; } = format;
    public long Limit { get; } = limit;
    public string? Path { get; } = path;
}
