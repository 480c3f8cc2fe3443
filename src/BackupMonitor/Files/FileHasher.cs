using System.Buffers;
using System.Security.Cryptography;
using BackupMonitor.Content;
using BackupMonitor.Domain;

namespace BackupMonitor.Files;

/// <summary>
/// Streams a file through SHA-256 with a fixed buffer: memory stays flat whatever the file size. The same read
/// can feed the content check (SPEC §5.1) and a copy, so a file is read once however much is done with it.
/// </summary>
public static class FileHasher
{
    public const int BufferSize = 1024 * 1024;

    /// <summary>The file's SHA-256 and size, and its content check when one was asked for.</summary>
    public sealed record Digest(string Sha256, long Size, ContentVerdict? Content = null);

    /// <summary>
    /// Reads with plain blocking calls on the calling thread: hashing is CPU work, the scan runs several files
    /// at once on the thread pool, and per-call async file I/O costs more than it saves for small files.
    /// With <paramref name="checkContent"/>, each buffer also goes to the content check, decoded on another thread.
    /// </summary>
    public static async Task<Digest> HashAsync(string path, bool checkContent = false, CancellationToken cancellationToken = default)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        return await ReadOnceAsync(handle, path, checkContent, copyTo: null, cancellationToken);
    }

    public static Task<Digest> HashAsync(string path, CancellationToken cancellationToken) => HashAsync(path, false, cancellationToken);

    /// <summary>
    /// One read of <paramref name="handle"/>: hashed, written to <paramref name="copyTo"/> when given, and fed to the
    /// content check when asked.
    /// </summary>
    internal static async Task<Digest> ReadOnceAsync(
        Microsoft.Win32.SafeHandles.SafeFileHandle handle, string path, bool checkContent, Stream? copyTo, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var feed = checkContent ? new ContentFeed(RandomAccess.GetLength(handle), path) : null;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long size = 0;
            int read;
            while ((read = RandomAccess.Read(handle, buffer.AsSpan(0, BufferSize), size)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
                size += read;
                if (copyTo is not null) await copyTo.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                if (feed is not null && await feed.PushAsync(buffer, read, cancellationToken)) buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            }
            var content = feed is null ? null : await feed.FinishAsync(cancellationToken);
            return new Digest(Convert.ToHexStringLower(hash.GetHashAndReset()), size, content);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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
