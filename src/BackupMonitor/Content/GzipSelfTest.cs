using System.Text;

namespace BackupMonitor.Content;

/// <summary>
/// Proves at start that the gzip check can fail: a small gzip made by the real `gzip` tool must decode to its text,
/// and the same stream cut short (inside its trailer, before it, in the middle) or with its CRC-32 altered must be
/// refused. A decoder that reads a cut stream as a shorter file (as .NET's GZipStream does) would pass every
/// truncated backup: the settings check (<c>CONTENT_CHECK</c>) stops the program with this problem instead.
/// </summary>
public static class GzipSelfTest
{
    /// <summary>`gzip -9 -n` of <see cref="Line"/> written 30 times (1,800 bytes → 94).</summary>
    private static readonly byte[] Sample =
    [
        0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xED, 0xCB, 0xB1, 0x0D, 0x80, 0x20, 0x10, 0x05, 0xD0, 0xDE,
        0x29, 0xFE, 0x02, 0x3A, 0x80, 0x25, 0xBD, 0x43, 0x5C, 0x08, 0x28, 0x11, 0x84, 0x70, 0xFF, 0x1A, 0xA7, 0x77, 0x0E, 0x93,
        0x7B, 0xFD, 0x0B, 0x12, 0x6F, 0x1B, 0x47, 0x7F, 0x0A, 0xFB, 0xC4, 0xF9, 0x96, 0x01, 0x4D, 0x35, 0xAF, 0x4C, 0xCA, 0x1D,
        0x02, 0xE5, 0x4C, 0xD2, 0x10, 0x8D, 0xD0, 0xAB, 0x4F, 0xA2, 0x99, 0x12, 0x59, 0x4A, 0xDD, 0x96, 0xE0, 0xD7, 0xAF, 0x5F,
        0xBF, 0x7E, 0xFD, 0xFE, 0xFC, 0x7E, 0x4B, 0x94, 0x62, 0x1B, 0x08, 0x07, 0x00, 0x00,
    ];

    private const string Line = "BackupMonitor gzip self-test: a stream cut short must fail.\n";

    private static readonly Lazy<string?> OfThisProcess = new(() => Problem(source => new GzipMembersStream(source)));

    /// <summary>What is wrong with the content check's gzip decoder in this process (checked once); null when nothing.</summary>
    public static string? ProblemOfThisProcess => OfThisProcess.Value;

    /// <summary>What is wrong with the decoder <paramref name="open"/> makes; null when it decodes the sample and refuses every damaged copy.</summary>
    public static string? Problem(Func<Stream, Stream> open)
    {
        if (!ZlibInflater.IsAvailable) return $"zlib cannot be loaded: {ZlibInflater.LoadProblem}";
        var whole = Decode(open, Sample, out var text);
        if (whole is not null) return $"the gzip decoder (zlib {ZlibInflater.LoadedVersion}) refused a whole gzip stream ({whole})";
        if (text != string.Concat(Enumerable.Repeat(Line, 30))) return $"the gzip decoder (zlib {ZlibInflater.LoadedVersion}) decoded a whole gzip stream to other bytes";
        foreach (var (what, damaged) in Damaged())
        {
            if (Decode(open, damaged, out _) is null)
                return $"the gzip decoder (zlib {ZlibInflater.LoadedVersion}) did not detect {what}: every backup damaged that way would pass its content check";
        }
        return null;
    }

    private static IEnumerable<(string What, byte[] Bytes)> Damaged()
    {
        yield return ("a truncated stream (cut inside its trailer, 2 bytes short)", Sample[..^2]);
        yield return ("a truncated stream (cut before its trailer, 8 bytes short)", Sample[..^8]);
        yield return ("a truncated stream (cut in the middle)", Sample[..(Sample.Length / 2)]);
        var crc = (byte[])Sample.Clone();
        crc[^8] ^= 0x01;
        yield return ("a stream whose CRC-32 does not match its data", crc);
    }

    /// <summary>Null when the decoder read the stream to its end without an error, else the error.</summary>
    private static string? Decode(Func<Stream, Stream> open, byte[] gzip, out string text)
    {
        text = "";
        try
        {
            using var decoder = open(new MemoryStream(gzip, writable: false));
            using var decoded = new MemoryStream();
            decoder.CopyTo(decoded);
            text = Encoding.UTF8.GetString(decoded.ToArray());
            return null;
        }
        catch (Exception e) when (e is ContentBrokenException or ContentNotCheckedException or InvalidDataException or IOException)
        {
            return e.Message;
        }
    }
}
