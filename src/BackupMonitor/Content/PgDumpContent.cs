using System.Buffers;
using System.Text;

namespace BackupMonitor.Content;

/// <summary>
/// A pg_dump custom-format archive (`pg_dump -Fc`), read as pg_restore reads it (PostgreSQL's
/// pg_backup_archiver.c and pg_backup_custom.c): the header, the table of contents, then every data block
/// chunk by chunk, zlib-compressed blocks decoded to their end. Every TOC entry that has data must have its
/// block: an archive cut at a block boundary fails too.
/// </summary>
internal static class PgDumpContent
{
    private const int Version1_12 = 0x010C00, Version1_14 = 0x010E00, Version1_15 = 0x010F00, Version1_16 = 0x011000, Newest = 0x0110FF;
    private const int BlockData = 1, BlockBlobs = 3, OffsetNoData = 3, CustomFormat = 1;

    private enum Compression { None, Zlib, Other }

    public static void Check(Stream input, long limit)
    {
        var archive = new PgArchiveReader(input);
        if (!archive.Bytes(5).SequenceEqual("PGDMP"u8.ToArray())) throw new ContentBrokenException("pg_dump: no PGDMP header");
        int major = archive.Byte(), minor = archive.Byte(), revision = archive.Byte();
        var version = (major << 16) | (minor << 8) | revision;
        if (version is < Version1_12 or > Newest)
            throw new ContentNotCheckedException($"pg_dump: archive version {major}.{minor}.{revision} is not one this check knows: not checked");
        archive.IntSize = archive.Byte();
        archive.OffsetSize = archive.Byte();
        if (archive.IntSize is < 1 or > 8 || archive.OffsetSize is < 1 or > 16) throw new ContentBrokenException("pg_dump: the header is damaged (integer sizes)");
        var format = archive.Byte();
        if (format != CustomFormat) throw new ContentNotCheckedException($"pg_dump: archive format {format} is not the custom format: not checked");
        Compression compression;
        if (version >= Version1_15)
            compression = archive.Byte() switch { 0 => Compression.None, 1 => Compression.Zlib, _ => Compression.Other };
        else
            compression = archive.Int() == 0 ? Compression.None : Compression.Zlib;
        for (var i = 0; i < 7; i++) archive.Int(); // creation time
        archive.Str(); // database name
        archive.Str(); // server version
        archive.Str(); // pg_dump version

        var withData = ReadTableOfContents(archive, version);
        ReadDataBlocks(archive, withData, compression, limit);
        if (withData.Count > 0)
        {
            var (id, name) = withData.First();
            throw new ContentBrokenException($"pg_dump: the archive ends at byte {archive.Position} without the data of TOC entry {id} ({name}){(withData.Count > 1 ? $" and {withData.Count - 1} more" : "")}");
        }
    }

    /// <summary>Reads every TOC entry; returns those with data, by dump id.</summary>
    private static SortedDictionary<int, string> ReadTableOfContents(PgArchiveReader archive, int version)
    {
        archive.Where = "the table of contents";
        var count = archive.Int();
        if (count < 0) throw new ContentBrokenException($"pg_dump: the table of contents is damaged near byte {archive.Position}");
        var withData = new SortedDictionary<int, string>();
        for (var i = 0; i < count; i++)
        {
            archive.Where = $"TOC entry {i + 1} of {count}";
            var dumpId = archive.Int();
            archive.Int(); // had a data dumper
            archive.Str(); // table oid
            archive.Str(); // oid
            var tag = archive.Str();
            var desc = archive.Str();
            archive.Int(); // section
            archive.Str(); // definition
            archive.Str(); // drop statement
            archive.Str(); // copy statement
            var schema = archive.Str();
            archive.Str(); // tablespace
            if (version >= Version1_14) archive.Str(); // table access method
            if (version >= Version1_16) archive.Int(); // relkind
            archive.Str(); // owner
            archive.Str(); // "with oids"
            while (archive.Str() is not null) { } // dependencies, ended by a null string
            var state = archive.Byte(); // data offset: its state, then the offset
            archive.Bytes(archive.OffsetSize);
            if (state is < 1 or > 3) throw new ContentBrokenException($"pg_dump: TOC entry {i + 1} ({desc} {tag}) is damaged near byte {archive.Position}");
            if (state != OffsetNoData) withData[dumpId] = $"{desc} {(schema is null ? "" : schema + " ")}{tag}".Trim();
        }
        return withData;
    }

    private static void ReadDataBlocks(PgArchiveReader archive, SortedDictionary<int, string> withData, Compression compression, long limit)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        var output = ArrayPool<byte>.Shared.Rent(256 * 1024);
        long decoded = 0;
        try
        {
            int type;
            while ((type = archive.ByteOrEnd()) >= 0)
            {
                var start = archive.Position - 1;
                archive.Where = $"the data block at byte {start}";
                var id = archive.Int();
                var name = withData.TryGetValue(id, out var known) ? known : $"dump id {id}";
                archive.Where = $"the data of TOC entry {id} ({name})";
                withData.Remove(id);
                switch (type)
                {
                    case BlockData:
                        decoded += ReadChunks(archive, compression, buffer, output, limit - decoded, name);
                        break;
                    case BlockBlobs:
                        while (archive.Int() is var oid && oid != 0)
                            decoded += ReadChunks(archive, compression, buffer, output, limit - decoded, $"large object {oid}");
                        break;
                    default:
                        throw new ContentBrokenException($"pg_dump: unknown block type {type} at byte {start}: the data section is damaged");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    /// <summary>Reads one block's chunks (length, bytes… then 0); decodes them when zlib-compressed. Returns the decoded size.</summary>
    private static long ReadChunks(PgArchiveReader archive, Compression compression, byte[] buffer, byte[] output, long budget, string name)
    {
        using var inflater = compression == Compression.Zlib ? new ZlibInflater(ZlibInflater.Zlib) : null;
        var ended = false;
        long decoded = 0;
        int length;
        while ((length = archive.Int()) != 0)
        {
            if (length < 0) throw new ContentBrokenException($"pg_dump: {archive.Where} is damaged near byte {archive.Position} (chunk length {length})");
            while (length > 0)
            {
                var n = Math.Min(length, buffer.Length);
                archive.Fill(buffer.AsSpan(0, n));
                length -= n;
                if (inflater is null) continue;
                var input = buffer.AsSpan(0, n);
                while (!input.IsEmpty || !ended)
                {
                    if (ended) throw new ContentBrokenException($"pg_dump: {archive.Where} has bytes after its compressed stream ends (near byte {archive.Position})");
                    var result = inflater.Run(input, output, out var consumed, out var produced);
                    input = input[consumed..];
                    if ((decoded += produced) > budget)
                        throw new ContentNotCheckedException($"pg_dump: decoding stopped after more than 1,000 times the file's size: not checked");
                    if (result == ZlibInflater.Result.DataError)
                        throw new ContentBrokenException($"pg_dump: the compressed data of {name} is damaged near byte {archive.Position} ({inflater.LastMessage})");
                    if (result == ZlibInflater.Result.StreamEnd) ended = true;
                    else if (result == ZlibInflater.Result.NeedInput && input.IsEmpty) break;
                }
            }
        }
        if (inflater is not null && !ended)
            throw new ContentBrokenException($"pg_dump: the compressed data of {name} stops before its end (near byte {archive.Position})");
        return decoded;
    }
}

/// <summary>pg_dump's primitive encodings: a sign byte then little-endian integers, strings as length then bytes (-1: null).</summary>
internal sealed class PgArchiveReader(Stream input)
{
    public int IntSize { get; set; } = 4;
    public int OffsetSize { get; set; } = 8;
    public long Position { get; private set; }
    /// <summary>What is being read, for the message when the archive ends there.</summary>
    public string Where { get; set; } = "the header";

    public int ByteOrEnd()
    {
        var b = input.ReadByte();
        if (b >= 0) Position++;
        return b;
    }

    public int Byte() => ByteOrEnd() is var b and >= 0 ? b : throw Truncated();

    public void Fill(Span<byte> into)
    {
        var n = input.ReadAtLeast(into, into.Length, throwOnEndOfStream: false);
        Position += n;
        if (n < into.Length) throw Truncated();
    }

    public byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        Fill(bytes);
        return bytes;
    }

    public int Int()
    {
        var negative = Byte() != 0;
        long value = 0;
        for (var i = 0; i < IntSize; i++)
        {
            var b = Byte();
            if (i < 4) value |= (long)b << (i * 8);
        }
        if (value > int.MaxValue) throw new ContentBrokenException($"pg_dump: {Where} is damaged near byte {Position} (an integer out of range)");
        return negative ? -(int)value : (int)value;
    }

    public string? Str()
    {
        var length = Int();
        if (length < 0) return null;
        if (length > 64 * 1024 * 1024) throw new ContentBrokenException($"pg_dump: {Where} is damaged near byte {Position} (a string of {length} bytes)");
        var bytes = length <= 4096 ? Bytes(length) : SkipLong(length);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Long strings (view definitions, functions) are read through, keeping only their start.</summary>
    private byte[] SkipLong(int length)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var first = Bytes(256);
            for (var left = length - 256; left > 0;)
            {
                var n = Math.Min(left, buffer.Length);
                Fill(buffer.AsSpan(0, n));
                left -= n;
            }
            return first;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private ContentBrokenException Truncated() => new($"pg_dump: the archive ends at byte {Position} inside {Where}");
}
