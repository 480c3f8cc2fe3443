using SharpCompress.Compressors.Xz;

namespace BackupMonitor.Content;

/// <summary>
/// Every stream of an xz file (`cat a.xz b.xz` is valid, as `xz -t` reads it), with the stream padding between
/// them. SharpCompress's XZStream stops after the first stream: the rest would go unchecked.
/// </summary>
internal sealed class XzStreams(MeteredStream compressed) : ReadOnlyStream
{
    private static readonly byte[] Magic = [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00];
    private XZStream? current = new(compressed);
    private int streams = 1;

    public override int Read(Span<byte> buffer)
    {
        while (current is not null)
        {
            var read = current.Read(buffer);
            if (read > 0) return read;
            current.Dispose();
            current = Next();
        }
        return 0;
    }

    /// <summary>After a stream: the end, zero padding, or the next stream's header.</summary>
    private XZStream? Next()
    {
        int b;
        while ((b = compressed.ReadByte()) == 0) { }
        if (b < 0) return null;
        var head = new byte[Magic.Length];
        head[0] = (byte)b;
        var n = 1 + compressed.ReadAtLeast(head.AsSpan(1), Magic.Length - 1, throwOnEndOfStream: false);
        if (n < Magic.Length || !head.AsSpan().SequenceEqual(Magic))
            throw new ContentBrokenException($"xz: unknown data after stream {streams} at byte {compressed.Count - n}");
        streams++;
        return new XZStream(new PrefixedStream(head, compressed));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) current?.Dispose();
        base.Dispose(disposing);
    }
}
