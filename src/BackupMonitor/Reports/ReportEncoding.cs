using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace BackupMonitor.Reports;

/// <summary>
/// The encodings a report may be written in (SPEC §3): UTF-8 with or without a byte-order mark, and UTF-16 or
/// UTF-32 (either byte order) with one, which is what Windows PowerShell writes. Anything else is refused with
/// the place of the first bad byte and how to fix it. Pure: bytes in, UTF-8 JSON text or a problem out.
/// </summary>
public static class ReportEncoding
{
    /// <summary>Exactly one of <see cref="Utf8"/> and <see cref="Problem"/> is set.</summary>
    public sealed record Decoded(ReadOnlyMemory<byte> Utf8, string? Problem);

    private const string Fix = "save the report as UTF-8 (with or without a byte-order mark; in PowerShell: Out-File -Encoding utf8), or as UTF-16 or UTF-32 with a byte-order mark";

    /// <summary>The report's text as UTF-8 without a byte-order mark, or why its bytes cannot be read.</summary>
    public static Decoded ToUtf8(byte[] bytes)
    {
        ReadOnlySpan<byte> span = bytes;
        // UTF-32 LE before UTF-16 LE: its mark starts with UTF-16 LE's.
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00])) return Transcode(bytes, 4, new UTF32Encoding(bigEndian: false, byteOrderMark: false, throwOnInvalidCharacters: true), "UTF-32 LE");
        if (span.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF])) return Transcode(bytes, 4, new UTF32Encoding(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true), "UTF-32 BE");
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return Transcode(bytes, 2, new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true), "UTF-16 LE");
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return Transcode(bytes, 2, new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true), "UTF-16 BE");
        var start = span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;

        var text = span[start..];
        if (text.Length >= 2 && (text[0] == 0 || text[1] == 0))
            return Refused($"file: not UTF-8: it looks like UTF-16 or UTF-32 without a byte-order mark (a NUL byte at byte offset {(text[0] == 0 ? start : start + 1)}); {Fix}");
        if (FirstInvalidUtf8(text) is { } bad)
            return Refused(NotUtf8(bytes, start + bad));
        return new Decoded(bytes.AsMemory(start), null);
    }

    private static Decoded Transcode(byte[] bytes, int markLength, Encoding encoding, string name)
    {
        try
        {
            var text = encoding.GetString(bytes, markLength, bytes.Length - markLength);
            return new Decoded(Encoding.UTF8.GetBytes(text), null);
        }
        catch (DecoderFallbackException e)
        {
            var where = e.Index >= 0 ? $" at byte offset {markLength + e.Index}" : "";
            return Refused($"file: starts with a {name} byte-order mark but is not valid {name}{where}; {Fix}");
        }
    }

    /// <summary>The offset of the first byte that is not part of a valid UTF-8 sequence, or null.</summary>
    private static int? FirstInvalidUtf8(ReadOnlySpan<byte> text)
    {
        if (Utf8.IsValid(text)) return null;
        var consumed = 0;
        while (consumed < text.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(text[consumed..], out _, out var length);
            if (status != OperationStatus.Done) return consumed;
            consumed += length;
        }
        return null;
    }

    private static string NotUtf8(byte[] bytes, int offset)
    {
        var lineStart = Array.LastIndexOf(bytes, (byte)'\n', Math.Max(0, offset - 1));
        if (offset == 0) lineStart = -1;
        var line = 1 + bytes.AsSpan(0, offset).Count((byte)'\n');
        var column = offset - lineStart;
        var value = bytes[offset];
        var guess = value >= 0xA0 ? $" (in Latin-1 or Windows-1252 it would be '{(char)value}': the file was probably saved in one of them)" : "";
        return $"file: not UTF-8: byte 0x{value:X2} at byte offset {offset} (line {line}, column {column}) is not valid UTF-8{guess}; {Fix}";
    }

    private static Decoded Refused(string problem) => new(ReadOnlyMemory<byte>.Empty, problem);
}
