using System.Buffers;
using System.Security.Cryptography;

namespace BackupMonitor.Files;

/// <summary>Streams a file through SHA-256 with a fixed buffer: memory stays flat whatever the file size.</summary>
public static class FileHasher
{
    public const int BufferSize = 1024 * 1024;

    public sealed record Digest(string Sha256, long Size);

    public static async Task<Digest> HashAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = OpenSequential(path);
        return await HashAsync(stream, cancellationToken);
    }

    public static async Task<Digest> HashAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long size = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                size += read;
            }
            return new Digest(Convert.ToHexStringLower(hash.GetHashAndReset()), size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static string HashBytes(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    internal static FileStream OpenSequential(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan | FileOptions.Asynchronous);
}
