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
    /// Hashes (and checks, when <paramref name="checkContent"/>) <paramref name="path"/> while copying it to
    /// <paramref name="copyPath"/> (a new file, flushed to disk): the one hash-while-copy of the product. The scan uses it
    /// when staging and validated are on different filesystems (hash, check and copy share one read), and
    /// <see cref="FileMover"/> for every move across filesystems. A copy that could not be written is removed and its
    /// error returned (<c>CopyError</c>): the read, and its digest, still count.
    /// </summary>
    public static async Task<(Digest Digest, Exception? CopyError)> HashAndCopyAsync(string path, string copyPath, bool checkContent, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var copy = CopySink.Open(copyPath);
        try
        {
            var digest = await ReadOnceAsync(handle, path, checkContent, copy, cancellationToken);
            var error = copy.Finish();
            if (error is not null && copy.Created) FileMover.TryDelete(copyPath);
            return (digest, error);
        }
        catch
        {
            copy.Abandon(null);
            if (copy.Created) FileMover.TryDelete(copyPath);
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
                copyTo?.Write(buffer.AsSpan(0, read));
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

    /// <summary>
    /// A copy written along the read, with blocking writes on the reader's thread like the reads (into the page cache;
    /// flushed to disk once at the end). A write error abandons the copy, never the read, and is kept for the caller.
    /// </summary>
    internal sealed class CopySink
    {
        private FileStream? output;

        private CopySink(FileStream? output, Exception? error)
        {
            (this.output, Error) = (output, error);
            Created = output is not null;
        }

        /// <summary>The copy's file was created by this sink (so it is this sink's to remove); false when it could not be.</summary>
        public bool Created { get; }

        /// <summary>Why the copy was abandoned; null while it is going well.</summary>
        public Exception? Error { get; private set; }

        public static CopySink Open(string path)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                return new CopySink(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0), null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new CopySink(null, e);
            }
        }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            if (output is null) return;
            try
            {
                output.Write(bytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Abandon(e);
            }
        }

        /// <summary>Flushes to disk and closes; the error that abandoned the copy, or null when it is whole and durable.</summary>
        public Exception? Finish()
        {
            if (output is null) return Error;
            try
            {
                output.Flush(flushToDisk: true);
                output.Dispose();
                output = null;
                return null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Abandon(e);
                return e;
            }
        }

        public void Abandon(Exception? error)
        {
            Error ??= error;
            try { output?.Dispose(); } catch (IOException) { }
            output = null;
        }
    }
}
