namespace BackupMonitor.Content;

/// <summary>The plumbing of a forward-only readable stream; subclasses implement <see cref="Read(Span{byte})"/>.</summary>
internal abstract class ReadOnlyStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public abstract override int Read(Span<byte> buffer);
    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 0 ? -1 : one[0];
    }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// Counts what is read through it (the position used in details), and stops a decoder that produced more than
/// its limit: a decompression bomb is no verdict on the backup.
/// </summary>
internal sealed class MeteredStream(Stream inner, long limit, string what) : ReadOnlyStream
{
    /// <summary>Bytes read so far.</summary>
    public long Count { get; private set; }

    /// <summary>Where the reader is (some decoders, such as SharpCompress's xz, ask).</summary>
    public override long Position { get => Count; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Count += read;
        if (Count > limit)
            throw new ContentNotCheckedException($"{what}: decoding stopped after {limit:N0} bytes, more than 1,000 times the file's size: not checked");
        return read;
    }
}

/// <summary>Bytes already read to recognise the format, then the rest of the stream.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ReadOnlyStream
{
    private ReadOnlyMemory<byte> prefix = prefix;
    private long position;

    /// <summary>Bytes read through this stream (xz's decoder asks).</summary>
    public override long Position { get => position; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        int n;
        if (prefix.IsEmpty)
        {
            n = rest.Read(buffer);
        }
        else
        {
            n = Math.Min(prefix.Length, buffer.Length);
            prefix.Span[..n].CopyTo(buffer);
            prefix = prefix[n..];
        }
        position += n;
        return n;
    }
}
