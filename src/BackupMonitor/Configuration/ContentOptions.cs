using BackupMonitor.Content;

namespace BackupMonitor.Configuration;

/// <summary>SPEC §5.1: the format-aware content check and the size-drop warning.</summary>
public sealed record ContentOptions(bool CheckContent, int SizeDropPercent)
{
    public static readonly ContentOptions Default = new(true, 50);

    /// <summary>
    /// With the check on, the gzip decoder must prove it refuses a truncated stream (<see cref="GzipSelfTest"/>), or the
    /// program stops here: a check that passes every cut backup is worse than none. <paramref name="gzipProblem"/>: tests.
    /// </summary>
    internal static ContentOptions Read(SettingReader settings, Func<string?>? gzipProblem = null)
    {
        var options = new ContentOptions(
            settings.OneOf("CONTENT_CHECK", "full", "full", "off") == "full",
            settings.Int("SIZE_DROP_PERCENT", 50, 0, 100));
        if (options.CheckContent && (gzipProblem ?? (() => GzipSelfTest.ProblemOfThisProcess))() is { } problem)
            throw new SettingsException(
                $"CONTENT_CHECK: 'full' needs a gzip decoder that detects damaged streams (gzip files, zlib blocks of pg_dump archives), but {problem}. " +
                "Install the system's zlib (Debian and Ubuntu: zlib1g), or set CONTENT_CHECK=off to run without content checks");
        return options;
    }
}
