namespace BackupMonitor.Domain;

/// <summary>Whether a backup file was found usable by its format (SPEC §5.1); null on an entry when no file was read.</summary>
public enum ContentCheck { Passed, Failed, Skipped }

/// <summary>
/// The outcome of a content check: the format recognised from the first bytes (`gzip+tar`, `pg_dump_custom`…;
/// null when none was), the result, and in plain words what broke and where (or why it was not checked).
/// </summary>
public sealed record ContentVerdict(string? Format, ContentCheck Result, string? Detail)
{
    public static ContentVerdict Passed(string format) => new(format, ContentCheck.Passed, null);
    public static ContentVerdict Failed(string format, string detail) => new(format, ContentCheck.Failed, detail);
    public static ContentVerdict Skipped(string? format, string detail) => new(format, ContentCheck.Skipped, detail);

    public static readonly ContentVerdict Off = Skipped(null, "content check turned off (CONTENT_CHECK=off)");
    public static readonly ContentVerdict Unrecognised = Skipped(null, "format not recognised from the first bytes: not checked");
}
