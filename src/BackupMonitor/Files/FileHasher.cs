using System.Buffers;
using System.Diagnostics;
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
    /// The file's SHA-256 and size, read with plain blocking calls on the calling thread: hashing is CPU work, the
    /// scan runs several files at once on the thread pool, and per-call async file I/O costs more than it saves for
    /// small files. Synchronous, and named so.
    /// </summary>
    public static Digest Hash(string path, CancellationToken cancellationToken = default)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        // With neither a copy nor a content check, the one read below never awaits: it completes on this thread.
        var read = ReadOnceAsync(handle, path, checkContent: false, copyTo: null, cancellationToken);
        Debug.Assert(read.IsCompleted);
        return read.GetAwaiter().GetResult();
    }

    /// <summary>
    /// The file's SHA-256 and size and its content check (SPEC §5.1): one blocking read, each buffer also handed to
    /// the content check, which decodes on another thread and is awaited.
    /// </summary>
    public static async Task<Digest> HashAndCheckAsync(string path, CancellationToken cancellationToken = default)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        return await ReadOnceAsync(handle, path, checkContent: true, copyTo: null, cancellationToken);
    }

    /// <summary>
    /// Hashes (and checks) <paramref name="path"/> while copying it to <paramref name="copyPath"/> (a new file, flushed
    /// to disk): when staging and validated are on different filesystems, hash, check and copy share one read.
    /// Copied is false when the copy could not be written (then it is removed, and the read still counts).
    /// </summary>
    public static async Task<(Digest Digest, bool Copied)> HashAndCopyAsync(string path, string copyPath, bool checkContent, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var copy = CopySink.Open(copyPath);
        try
        {
            var digest = await ReadOnceAsync(handle, path, checkContent, copy, cancellationToken);
            var copied = copy?.Finish() == true;
            if (!copied) FileMover.TryDelete(copyPath);
            return (digest, copied);
        }
        catch
        {
            copy?.Abandon();
            FileMover.TryDelete(copyPath);
            throw;
        }
    }

    /// <summary>
    /// One read of <paramref name="handle"/>: hashed, written to <paramref name="copyTo"/> when given, and fed to the
    /// content check when asked.
    /// </summary>
    internal static async Task<Digest> ReadOnceAsync(
        Microsoft.Win32.SafeHandles.SafeFileHandle handle, string path, bool checkContent, CopySink? copyTo, CancellationToken cancellationToken)
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

    /// <summary>A copy written along the read; a write error abandons the copy, never the read.</summary>
    internal sealed class CopySink
    {
        private FileStream? output;

        private CopySink(FileStream output) => this.output = output;

        public static CopySink? Open(string path)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                return new CopySink(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
        {
            if (output is null) return;
            try
            {
                await output.WriteAsync(bytes, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Abandon();
            }
        }

        /// <summary>Flushes to disk and closes; false when any write failed.</summary>
        public bool Finish()
        {
            if (output is null) return false;
            try
            {
                output.Flush(flushToDisk: true);
                output.Dispose();
                output = null;
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Abandon();
                return false;
            }
        }

        public void Abandon()
        {
            try { output?.Dispose(); } catch (IOException) { }
            output = null;
        }
    }
}
