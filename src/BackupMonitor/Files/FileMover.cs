using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace BackupMonitor.Files;

/// <summary>
/// Moves files without ever losing one: an atomic rename when source and destination share a filesystem,
/// otherwise a copy under a temporary name, flushed, verified and renamed, leaving the source in place
/// for the caller to remove once the database records where the file went.
/// (.NET's File.Move silently falls back to copy-then-delete across filesystems, which is not crash-safe.)
/// </summary>
public static class FileMover
{
    public enum Outcome { Renamed, Copied }

    private const int CrossDevice = 18; // EXDEV

    [DllImport("libc", SetLastError = true, EntryPoint = "rename")]
    private static extern int NativeRename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    /// <summary>Test seam: pretend every rename crosses filesystems.</summary>
    internal static bool ForceCopy { get; set; }

    /// <summary>Atomic rename only; false when source and destination are on different filesystems.</summary>
    public static bool TryRename(string source, string destination)
    {
        if (ForceCopy) return false;
        if (!OperatingSystem.IsWindows())
        {
            if (NativeRename(source, destination) == 0) return true;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == CrossDevice) return false;
            if (errno == 2) throw new FileNotFoundException($"'{source}' vanished before it could be moved", source);
            throw new IOException($"cannot move '{source}' to '{destination}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
        if (!string.Equals(Path.GetPathRoot(source), Path.GetPathRoot(destination), StringComparison.OrdinalIgnoreCase)) return false;
        File.Move(source, destination);
        return true;
    }

    /// <summary>
    /// Moves <paramref name="source"/> to <paramref name="destination"/> (which must not exist). When a copy was
    /// needed its SHA-256 must equal <paramref name="expectedSha256"/>, and the source is left for the caller.
    /// </summary>
    public static async Task<Outcome> MoveAsync(string source, string destination, string? expectedSha256, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        if (File.Exists(destination)) throw new IOException($"'{destination}' already exists");
        if (TryRename(source, destination)) return Outcome.Renamed;

        var temporary = destination + $".{Guid.NewGuid():N}.tmp";
        try
        {
            var copied = await CopyAndHashAsync(source, temporary, cancellationToken);
            if (expectedSha256 is not null && !string.Equals(copied, expectedSha256, StringComparison.OrdinalIgnoreCase))
                throw new IOException($"the copy of '{source}' does not match its SHA-256 (expected {expectedSha256}, copied {copied})");
            File.Move(temporary, destination); // same folder: an atomic rename
            return Outcome.Copied;
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static async Task<string> CopyAndHashAsync(string source, string destination, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(FileHasher.BufferSize);
        try
        {
            await using (var input = FileHasher.OpenSequential(source))
            await using (var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await input.ReadAsync(buffer.AsMemory(0, FileHasher.BufferSize), cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                output.Flush(flushToDisk: true);
            }
            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
