using BackupMonitor.Files;
using BackupMonitor.Reports;

namespace BackupMonitor.Decisions;

/// <summary>The two storage areas a backup file can go to.</summary>
public enum BackupArea { Validated, Quarantine }

/// <summary>A file already in an area at one of a line's candidate paths that no entry references: perhaps an interrupted scan's work.</summary>
public sealed record Unreferenced(string RelativePath, FileHasher.Digest Digest);

/// <summary>Where a line's staged file goes.</summary>
public abstract record Placement
{
    /// <summary>Nowhere: it stays in staging (nothing to move, or the verdict keeps it there).</summary>
    public sealed record Stay : Placement;
    /// <summary>Moved to this path of the area.</summary>
    public sealed record MoveTo(BackupArea Area, string RelativePath) : Placement;
    /// <summary>An interrupted scan already copied it there: that copy is used and the staged file removed once recorded.</summary>
    public sealed record UseEarlierCopy(BackupArea Area, string RelativePath) : Placement;
}

/// <summary>
/// SPEC §4 (crash safety) as pure decisions: a scan interrupted between moving a file and recording its entry leaves
/// an unreferenced file where the line's file goes; the next scan recognises it by its SHA-256 rather than calling the
/// backup missing or storing it twice.
/// </summary>
public static class FilePlacement
{
    /// <summary>
    /// The staged file is gone: was it moved by an interrupted scan? For a success, a validated file with the agent's
    /// hash; otherwise (or failing that) a quarantined file that is not a good copy of it. Null: nothing recognised.
    /// </summary>
    public static Unreferenced? RecognizeMoved(ReportLine line, IReadOnlyList<Unreferenced> validated, IReadOnlyList<Unreferenced> quarantined, out BackupArea area)
    {
        var success = line.Status == AgentLineStatus.Success;
        area = BackupArea.Validated;
        if (success && validated.FirstOrDefault(c => SameHash(c.Digest.Sha256, line.HashSha256)) is { } promoted) return promoted;
        area = BackupArea.Quarantine;
        return quarantined.FirstOrDefault(c => !(success && SameHash(c.Digest.Sha256, line.HashSha256)));
    }

    /// <summary>
    /// Where a present staged file goes for a verdict's <paramref name="action"/>: its own path when free; else an
    /// unreferenced copy with the same content (an interrupted cross-filesystem copy); else the first free
    /// `name-N.ext` path (<paramref name="freePath"/>).
    /// </summary>
    public static Placement Place(FileAction action, string relativePath, bool taken, IReadOnlyList<Unreferenced> unreferenced, string? stagedSha256, string freePath)
    {
        if (action == FileAction.None) return new Placement.Stay();
        var area = action == FileAction.Promote ? BackupArea.Validated : BackupArea.Quarantine;
        if (!taken) return new Placement.MoveTo(area, relativePath);
        if (unreferenced.FirstOrDefault(c => SameHash(c.Digest.Sha256, stagedSha256)) is { } copy) return new Placement.UseEarlierCopy(area, copy.RelativePath);
        return new Placement.MoveTo(area, freePath);
    }

    private static bool SameHash(string a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
