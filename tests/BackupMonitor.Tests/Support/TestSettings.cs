using BackupMonitor.Configuration;

namespace BackupMonitor.Tests.Support;

/// <summary>
/// The settings every in-process test starts from: BACKUP_ROOT in the test's own folder, a fresh database of the
/// suite's provider (<see cref="TestDatabase"/>), and files taken as settled at once. Read the way the program reads
/// them, but never from this process's environment variables.
/// </summary>
public static class TestSettings
{
    public static Dictionary<string, string?> For(string backupRoot)
    {
        var values = TestDatabase.Settings(backupRoot);
        values["BACKUP_ROOT"] = backupRoot;
        values["SCAN_MIN_FILE_AGE_SECONDS"] = "0";
        return values;
    }

    /// <summary>Parses and validates <paramref name="values"/> as <c>--KEY=value</c> arguments (throws <see cref="SettingsException"/>).</summary>
    public static Settings Parse(IReadOnlyDictionary<string, string?> values) =>
        Settings.From(Settings.BuildConfiguration(values, environment: new Dictionary<string, string?>()));
}
