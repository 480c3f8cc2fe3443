using System.Runtime.InteropServices;
using BackupMonitor.Faults;

namespace BackupMonitor.Files;

/// <summary>
/// Moves files without ever losing one: an atomic rename when source and destination share a filesystem,
/// otherwise a copy under a temporary name, flushed, verified and renamed, leaving the source in place
/// for the caller to remove once the database records where the file went.
/// (.NET's File.Move silently falls back to copy-then-delete across filesystems, which is not crash-safe.)
/// A singleton: its test seams (<see cref="FaultPoints.ForceCopy"/>, <see cref="FaultPoints.ReadingCopies"/>) are injected.
/// </summary>
public sealed class FileMover(FaultPoints faults)
{
    public enum Outcome { Renamed, Copied }

    private const int NoSuchFile = 2, AlreadyExists = 17, CrossDevice = 18, InvalidArgument = 22, NotImplemented = 38; // errno
    private const int CurrentFolder = -100; // AT_FDCWD
    private const uint NoReplace = 1; // RENAME_NOREPLACE

    [DllImport("libc", SetLastError = true, EntryPoint = "rename")]
    private static extern int NativeRename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    [DllImport("libc", SetLastError = true, EntryPoint = "renameat2")]
    private static extern int NativeRenameAt2(int oldFolder, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, int newFolder, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath, uint flags);

    /// <summary>False once renameat2(RENAME_NOREPLACE) proved unsupported here (old kernel or a filesystem without it).</summary>
    private static volatile bool noReplaceWorks = !OperatingSystem.IsWindows();

    /// <summary>
    /// Puts a copy already written and flushed beside <paramref name="destination"/> (same folder) in its place,
    /// never replacing a file: <see cref="DestinationExistsException"/> when the destination is taken.
    /// </summary>
    public void PlaceCopy(string copy, string destination)
    {
        if (File.Exists(destination)) throw new DestinationExistsException(destination);
        try
        {
            File.Move(copy, destination, overwrite: false);
        }
        catch (IOException) when (File.Exists(destination))
        {
            throw new DestinationExistsException(destination);
        }
    }

    /// <summary>Atomic rename only; false when source and destination are on different filesystems.</summary>
    public bool TryRename(string source, string destination)
    {
        if (faults.ForceCopy) return false;
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
    public Task<Outcome> MoveAsync(string source, string destination, string? expectedSha256, CancellationToken cancellationToken) =>
        MoveAsync(source, destination, expectedSha256, noReplaceWorks, cancellationToken);

    /// <summary><paramref name="noReplace"/> false takes the path used where renameat2(RENAME_NOREPLACE) is unsupported (tests).</summary>
    internal async Task<Outcome> MoveAsync(string source, string destination, string? expectedSha256, bool noReplace, CancellationToken cancellationToken)
    {
        // Usually one system call: a rename that refuses to replace anything, the folder made only when missing.
        var renamed = TryRenameNoReplace(source, destination, noReplace);
        if (renamed == NoReplaceResult.FolderMissing)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            renamed = TryRenameNoReplace(source, destination, noReplace);
        }
        switch (renamed)
        {
            case NoReplaceResult.Renamed: return Outcome.Renamed;
            case NoReplaceResult.Exists: throw new DestinationExistsException(destination);
            case NoReplaceResult.FolderMissing: throw new FileNotFoundException($"'{source}' vanished before it could be moved", source);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        if (Path.Exists(destination)) throw new DestinationExistsException(destination);
        if (renamed == NoReplaceResult.Unsupported && TryRename(source, destination)) return Outcome.Renamed;

        var temporary = destination + $".{Guid.NewGuid():N}.tmp";
        faults.ReadingCopies?.Enqueue(source);
        var (copied, error) = await FileHasher.HashAndCopyAsync(source, temporary, checkContent: false, cancellationToken);
        try
        {
            if (error is not null) throw new IOException($"cannot copy '{source}' to '{temporary}': {error.Message}", error);
            if (expectedSha256 is not null && !string.Equals(copied.Sha256, expectedSha256, StringComparison.OrdinalIgnoreCase))
                throw new IOException($"the copy of '{source}' does not match its SHA-256 (expected {expectedSha256}, copied {copied.Sha256})");
            File.Move(temporary, destination); // same folder: an atomic rename
            return Outcome.Copied;
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private enum NoReplaceResult { Renamed, Exists, FolderMissing, CrossDevice, Unsupported }

    /// <summary>rename(2) that fails instead of replacing: no window between "is the destination free?" and the move.</summary>
    private NoReplaceResult TryRenameNoReplace(string source, string destination, bool noReplace)
    {
        if (faults.ForceCopy) return NoReplaceResult.CrossDevice;
        if (!noReplace) return NoReplaceResult.Unsupported;
        if (NativeRenameAt2(CurrentFolder, source, CurrentFolder, destination, NoReplace) == 0) return NoReplaceResult.Renamed;
        var errno = Marshal.GetLastPInvokeError();
        switch (errno)
        {
            case AlreadyExists: return NoReplaceResult.Exists;
            case NoSuchFile: return NoReplaceResult.FolderMissing; // or the source vanished: the caller retries once
            case CrossDevice: return NoReplaceResult.CrossDevice;
            case InvalidArgument or NotImplemented:
                noReplaceWorks = false;
                return NoReplaceResult.Unsupported;
            default: throw new IOException($"cannot move '{source}' to '{destination}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
    }

    /// <summary>True when <paramref name="path"/> and <paramref name="folder"/> are on different filesystems (or the seam says so): then a move is a copy.</summary>
    public bool CrossesFilesystems(string path, string folder) => faults.ForceCopy || Filesystems.Differ(path, folder);

    internal static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The destination of a move is taken: nothing was moved.</summary>
public sealed class DestinationExistsException(string destination) : IOException($"'{destination}' already exists")
{
    public string Destination { get; } = destination;
}

/// <summary>Symbolic links, seen with one lstat(2) for a regular file (FileInfo.LinkTarget always costs a readlink(2)).</summary>
public static class FileLinks
{
    /// <summary>The link's target when <paramref name="info"/> is a symbolic link, otherwise null.</summary>
    public static string? TargetOf(FileSystemInfo info) =>
        info.Attributes is var attributes && (int)attributes != -1 && attributes.HasFlag(FileAttributes.ReparsePoint) ? info.LinkTarget ?? "" : null;
}
