using System.Buffers;
using System.IO.Compression;
using System.IO.Hashing;

namespace BackupMonitor.Content;

/// <summary>
/// A zip: its central directory (at the end of the file) is readable and every entry decompresses to data whose
/// CRC-32 matches. ZipArchive needs to seek, so this reads the file again after the hashing read.
/// </summary>
internal static class ZipContent
{
    public static void Check(string? path, long limit)
    {
        if (path is null) throw new ContentNotCheckedException("zip: only a zip file on its own can be checked");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new ContentBrokenException($"zip: the central directory cannot be read ({e.Message.TrimEnd('.')}); the file is {file.Length} bytes");
        }
        using (archive)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
            long decoded = 0;
            try
            {
                var number = 0;
                foreach (var entry in archive.Entries)
                {
                    number++;
                    if (entry.IsEncrypted) throw new ContentNotCheckedException($"zip: entry '{entry.FullName}' is encrypted: not checked");
                    var crc = new Crc32();
                    try
                    {
                        using var data = entry.Open();
                        int read;
                        while ((read = data.Read(buffer)) > 0)
                        {
                            crc.Append(buffer.AsSpan(0, read));
                            if ((decoded += read) > limit)
                                throw new ContentNotCheckedException($"zip: decoding stopped after {limit:N0} bytes, more than 1,000 times the file's size: not checked");
                        }
                    }
                    catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
                    {
                        throw new ContentBrokenException($"zip: entry {number} '{entry.FullName}' cannot be decompressed ({e.Message.TrimEnd('.')})");
                    }
                    if (crc.GetCurrentHashAsUInt32() != entry.Crc32)
                        throw new ContentBrokenException($"zip: entry {number} '{entry.FullName}' fails its CRC-32 check");
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
