using System.Formats.Tar;

namespace BackupMonitor.Content;

/// <summary>A tar archive: every header (with its checksum) and every entry's data, to the end-of-archive marker.</summary>
internal static class TarContent
{
    public static void Walk(Stream input, string format)
    {
        var metered = new MeteredStream(input, long.MaxValue, format);
        using var reader = new TarReader(metered, leaveOpen: true);
        var entries = 0;
        string? last = null;
        try
        {
            // TarReader skips each entry's data when it moves on, and returns null only at the end-of-archive marker.
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                entries++;
                last = entry.Name;
            }
        }
        catch (EndOfStreamException)
        {
            throw new ContentBrokenException(entries == 0
                ? $"{format}: the archive ends at byte {metered.Count} before its first entry is complete"
                : $"{format}: the archive ends at byte {metered.Count}, after {entries} entries (last '{last}'), without its end-of-archive marker");
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or ArgumentException)
        {
            throw new ContentBrokenException(
                $"{format}: header {entries + 1} near byte {metered.Count} is damaged{(last is null ? "" : $" (after '{last}')")}: {e.Message.TrimEnd('.')}");
        }
    }
}
