namespace BackupMonitor.Configuration;

/// <summary>The five storage areas (SPEC §4), as absolute paths.</summary>
public sealed record StorageOptions(string Root, string Staging, string Validated, string Archive, string Quarantine, string Trash)
{
    internal static StorageOptions Read(SettingReader settings)
    {
        var root = Path.GetFullPath(settings.Text("BACKUP_ROOT") ?? "./data");
        string Area(string name, string folder) => Path.GetFullPath(settings.Text(name) ?? Path.Combine(root, folder));
        return new StorageOptions(
            root,
            Area("BACKUP_STAGING_ROOT", "staging"),
            Area("BACKUP_VALIDATED_ROOT", "validated"),
            Area("BACKUP_ARCHIVE_ROOT", "archive"),
            Area("BACKUP_QUARANTINE_ROOT", "quarantine"),
            Area("BACKUP_TRASH_ROOT", "trash"));
    }

    public IEnumerable<string> Areas => [Staging, Validated, Archive, Quarantine, Trash];
}
