using BackupMonitor.Files;

namespace BackupMonitor.Uploads;

/// <summary>A link, or something else than a folder, where an agent's staging folder should be (409): never followed.</summary>
public sealed class StagingFolderLinkException(string path) : IOException($"'{path}' is a symbolic link or not a folder; links under staging are never followed");

/// <summary>
/// An agent's folders in staging as pushes see them (SPEC §4, §10): created when missing, never through a link, and the
/// free space left on staging's filesystem.
/// </summary>
public sealed class AgentStaging(StorageLayout layout)
{
    /// <summary>`staging/&lt;agent&gt;/database`, made if missing; throws <see cref="StagingFolderLinkException"/> on a link.</summary>
    public string DatabaseFolder(string agentId) => Folder(agentId, "database");

    /// <summary>`staging/&lt;agent&gt;/log`, made if missing; throws <see cref="StagingFolderLinkException"/> on a link.</summary>
    public string LogFolder(string agentId) => Folder(agentId, "log");

    private string Folder(string agentId, string area)
    {
        var agentFolder = Path.Combine(layout.Areas.Staging, agentId);
        EnsureRealFolder(agentFolder);
        var folder = Path.Combine(agentFolder, area);
        EnsureRealFolder(folder);
        return folder;
    }

    private static void EnsureRealFolder(string path)
    {
        var info = new DirectoryInfo(path);
        if (FileLinks.TargetOf(info) is not null) throw new StagingFolderLinkException(path);
        if (!info.Exists)
        {
            if (File.Exists(path)) throw new StagingFolderLinkException(path);
            Directory.CreateDirectory(path);
            if (FileLinks.TargetOf(new DirectoryInfo(path)) is not null) throw new StagingFolderLinkException(path);
        }
    }

    /// <summary>True when a regular file (or a link: never overwritten either) has this path.</summary>
    public static bool Taken(string path) => new FileInfo(path) is var info && (info.Exists || FileLinks.TargetOf(info) is not null);

    /// <summary>A complete staged file: a regular file, not a link.</summary>
    public static bool IsCompleteFile(string path) => new FileInfo(path) is { Exists: true } info && FileLinks.TargetOf(info) is null;

    public long FreeBytes() => new DriveInfo(layout.Areas.Staging).AvailableFreeSpace;
}
