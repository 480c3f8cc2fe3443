using SharpCompress.Compressors;
using SharpCompress.Compressors.BZip2;

namespace BackupMonitor.Content;

/// <summary>
/// gzip, zstd, xz and bzip2: every stream decodes to its end with its own checksums; what is inside (a tar,
/// a pg_dump archive, a plain SQL dump) is recognised from its first decompressed bytes and checked too.
/// </summary>
internal static class CompressedContent
{
    public static void Check(BackupFormat format, Stream input, CheckRun run)
    {
        var compressed = new MeteredStream(input, long.MaxValue, run.Format);
        using var decoder = Open(format, compressed, run.Format);
        var decoded = new MeteredStream(new DecoderErrors(decoder, format, compressed), run.Limit, run.Format);

        var head = new byte[FormatSniffer.HeadSize];
        var n = decoded.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var inner = FormatSniffer.Identify(head.AsSpan(0, n));
        var rest = new PrefixedStream(head.AsMemory(0, n), decoded);
        switch (inner)
        {
            case BackupFormat.Tar:
                run.Format += "+tar";
                TarContent.Walk(rest, run.Format);
                break;
            case BackupFormat.PgDumpCustom:
                run.Format += "+pg_dump_custom";
                PgDumpContent.Check(rest, run.Limit);
                break;
            case { } sql when sql.IsSql():
                run.Format += "+" + sql.Name();
                SqlDumpContent.Check(rest, sql);
                break;
        }
        // Whatever the inner check read, the compressed stream must still end properly (trailer, checksums).
        ContentChecker.Drain(decoded);
    }

    /// <summary>
    /// The decompressed content of <paramref name="input"/> (a restore drill feeds it to its tool): decoder errors in
    /// plain words (<see cref="ContentBrokenException"/>), and no more than <paramref name="limit"/> bytes decoded.
    /// </summary>
    internal static Stream Decoded(BackupFormat format, Stream input, long limit)
    {
        var compressed = new MeteredStream(input, long.MaxValue, format.Name());
        var decoder = Open(format, compressed, format.Name());
        return new MeteredStream(new DecoderErrors(decoder, format, compressed), limit, format.Name());
    }

    private static Stream Open(BackupFormat format, MeteredStream compressed, string name)
    {
        try
        {
            return format switch
            {
                BackupFormat.Gzip => ZlibInflater.IsAvailable ? new GzipMembersStream(compressed)
                    : throw new ContentNotCheckedException("gzip: zlib is not available in this .NET runtime: not checked"),
                BackupFormat.Zstd => new ZstdSharp.DecompressionStream(compressed, leaveOpen: true),
                BackupFormat.Xz => new XzStreams(compressed),
                BackupFormat.Bzip2 => BZip2Stream.Create(compressed, CompressionMode.Decompress, decompressConcatenated: true, leaveOpen: true, tolerateTruncatedStream: false),
                _ => throw new ArgumentOutOfRangeException(nameof(format)),
            };
        }
        catch (Exception e) when (e is not (ContentNotCheckedException or ContentBrokenException))
        {
            throw new ContentBrokenException($"{name}: the stream header cannot be read ({e.Message})");
        }
    }

    /// <summary>Turns a decoder's exceptions into plain words naming the compressor and where it stopped.</summary>
    private sealed class DecoderErrors(Stream decoder, BackupFormat format, MeteredStream compressed) : ReadOnlyStream
    {
        public override int Read(Span<byte> buffer)
        {
            try
            {
                return decoder.Read(buffer);
            }
            catch (Exception e) when (e is not (ContentBrokenException or ContentNotCheckedException or OperationCanceledException))
            {
                throw new ContentBrokenException(Describe(format, e, compressed.Count));
            }
        }
    }

    private static string Describe(BackupFormat format, Exception e, long at)
    {
        var name = format.Name();
        var message = e.Message;
        if (e is EndOfStreamException || message.Contains("end", StringComparison.OrdinalIgnoreCase) && message.Contains("unexpected", StringComparison.OrdinalIgnoreCase)
            || message.Contains("Premature end", StringComparison.OrdinalIgnoreCase))
            return $"{name}: stream ends at byte {at} before its end";
        if (message.Contains("checksum", StringComparison.OrdinalIgnoreCase))
            return $"{name}: the checksum does not match the data (checked near byte {at})";
        if (message.Contains("Footer", StringComparison.OrdinalIgnoreCase))
            return $"{name}: the stream's footer is damaged or missing at byte {at}";
        return $"{name}: damaged data near byte {at} ({message.TrimEnd('.')})";
    }
}
