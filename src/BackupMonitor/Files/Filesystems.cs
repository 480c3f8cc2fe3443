using System.Runtime.InteropServices;

namespace BackupMonitor.Files;

/// <summary>Whether two paths are on the same filesystem (then a move is an atomic rename, not a copy).</summary>
public static class Filesystems
{
    [DllImport("libc", SetLastError = true, EntryPoint = "stat")]
    private static extern unsafe int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte* buffer);

    /// <summary>
    /// True when <paramref name="path"/> and <paramref name="folder"/> are known to be on different filesystems;
    /// false when they share one or it cannot be told. (Asked through <see cref="FileMover.CrossesFilesystems"/>.)
    /// </summary>
    public static bool Differ(string path, string folder)
    {
        if (!OperatingSystem.IsLinux()) return false;
        return DeviceOf(path) is { } a && DeviceOf(folder) is { } b && a != b;
    }

    /// <summary>st_dev, the first field of struct stat on Linux (x86-64 and arm64 alike).</summary>
    private static unsafe ulong? DeviceOf(string path)
    {
        var buffer = stackalloc byte[512];
        try
        {
            return Stat(path, buffer) == 0 ? *(ulong*)buffer : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null; // glibc before 2.33 exports only __xstat: keep the copy-after-hash path
        }
    }
}
