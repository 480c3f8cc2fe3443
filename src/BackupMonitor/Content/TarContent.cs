using System.Buffers;
using System.Text;

namespace BackupMonitor.Content;

/// <summary>
/// A tar archive, walked header by header to its end-of-archive marker: every header's checksum must hold and
/// every entry's data must be there. (System.Formats.Tar's TarReader was tried: it does not verify header
/// checksums, so a damaged header read as a different entry.) ustar, GNU (long names, base-256 sizes) and pax.
/// </summary>
internal static class TarContent
{
    private const int Block = 512;

    public static void Walk(Stream input, string format)
    {
        var header = new byte[Block];
        var skip = ArrayPool<byte>.Shared.Rent(64 * Block);
        long position = 0;
        var entries = 0;
        string? last = null;
        long? paxSize = null;
        try
        {
            while (true)
            {
                var read = input.ReadAtLeast(header, Block, throwOnEndOfStream: false);
                if (read < Block)
                    throw new ContentBrokenException(entries == 0 && position == 0
                        ? $"{format}: the archive ends at byte {position + read} before its first header is complete"
                        : $"{format}: the archive ends at byte {position + read}, after {entries} entries{Last(last)}, without its end-of-archive marker");
                var at = position;
                position += Block;
                if (header.AsSpan().IndexOfAnyExcept((byte)0) < 0) return; // a zero block: the end-of-archive marker

                if (!ChecksumHolds(header))
                    throw new ContentBrokenException($"{format}: header {entries + 1} at byte {at} is damaged (its checksum does not match){Last(last, "after")}");
                var type = (char)header[156];
                var size = Size(header.AsSpan(124, 12)) ?? throw new ContentBrokenException($"{format}: header {entries + 1} at byte {at} is damaged (unreadable size)");
                if (type is '1' or '2' or '3' or '4' or '5' or '6') size = 0;
                else if (type is not ('x' or 'g' or 'L' or 'K') && paxSize is { } fromPax) size = fromPax;

                var isMeta = type is 'x' or 'g' or 'L' or 'K';
                if (!isMeta)
                {
                    entries++;
                    last = Name(header);
                    paxSize = null;
                }
                var padded = (size + Block - 1) / Block * Block;
                if (type == 'x')
                {
                    if (padded > 1024 * 1024) throw new ContentBrokenException($"{format}: the pax header at byte {at} is damaged (size {size})");
                    var pax = new byte[padded];
                    var got = input.ReadAtLeast(pax, (int)padded, throwOnEndOfStream: false);
                    position += got;
                    if (got < padded) throw Ended(format, position, entries, last);
                    paxSize = PaxSize(pax.AsSpan(0, (int)size));
                    continue;
                }
                for (var left = padded; left > 0;)
                {
                    var n = input.Read(skip, 0, (int)Math.Min(left, skip.Length));
                    if (n == 0) throw Ended(format, position, entries, last, inside: !isMeta);
                    left -= n;
                    position += n;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(skip);
        }
    }

    private static ContentBrokenException Ended(string format, long position, int entries, string? last, bool inside = true) =>
        new($"{format}: the archive ends at byte {position}{(inside && last is not null ? $" inside entry {entries} '{last}'" : $", after {entries} entries{Last(last)}")}");

    private static string Last(string? last, string word = "last") => last is null ? "" : word == "last" ? $" (last '{last}')" : $" (after '{last}')";

    /// <summary>The sum of the header's bytes with the checksum field counted as spaces (unsigned, or signed as some old tars did).</summary>
    private static bool ChecksumHolds(byte[] header)
    {
        if (Octal(header.AsSpan(148, 8)) is not { } stored) return false;
        long unsigned = 0, signed = 0;
        for (var i = 0; i < Block; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : header[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        return stored == unsigned || stored == signed;
    }

    private static long? Size(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) == 0) return Octal(field);
        long value = field[0] & 0x7F; // GNU base-256 for sizes of 8 GiB and more
        for (var i = 1; i < field.Length; i++) value = (value << 8) | field[i];
        return value;
    }

    private static long? Octal(ReadOnlySpan<byte> field)
    {
        long value = 0;
        var digits = 0;
        foreach (var b in field)
        {
            if (b is (byte)' ' or 0) { if (digits > 0) break; continue; }
            if (b is < (byte)'0' or > (byte)'7') return null;
            value = value * 8 + (b - '0');
            digits++;
        }
        return value;
    }

    private static string Name(byte[] header)
    {
        static string Field(ReadOnlySpan<byte> span) => Encoding.UTF8.GetString(span[..(span.IndexOf((byte)0) is var end and >= 0 ? end : span.Length)]);
        var name = Field(header.AsSpan(0, 100));
        var prefix = header.AsSpan(257, 5).SequenceEqual("ustar"u8) ? Field(header.AsSpan(345, 155)) : "";
        return prefix.Length > 0 ? $"{prefix}/{name}" : name;
    }

    /// <summary>pax records are `<length> <key>=<value>\n`; only `size` matters to the walk.</summary>
    private static long? PaxSize(ReadOnlySpan<byte> records)
    {
        foreach (var line in Encoding.UTF8.GetString(records).Split('\n'))
        {
            var space = line.IndexOf(' ');
            if (space > 0 && line[(space + 1)..].StartsWith("size=", StringComparison.Ordinal) && long.TryParse(line[(space + 6)..], out var size)) return size;
        }
        return null;
    }
}
