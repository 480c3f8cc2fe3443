using BackupMonitor.Domain;
using BackupMonitor.Files;
using BackupMonitor.Reports;

namespace BackupMonitor.Decisions;

/// <summary>What the scan found in staging for one report line.</summary>
public abstract record StagedFile
{
    public sealed record Absent(string? Reason = null) : StagedFile;
    public sealed record SymbolicLink(string Target) : StagedFile;
    public sealed record Present(FileHasher.Digest Digest) : StagedFile;
    public sealed record Unreadable(string Reason) : StagedFile;
    /// <summary>The agent did not claim a file (failed lines) or named none.</summary>
    public sealed record NotNamed : StagedFile;
}

public enum FileAction { None, Promote, Quarantine }

/// <summary>The status of an entry, its message, and what to do with the staged file.</summary>
public sealed record Verdict(BackupEntryStatus Status, string? ErrorMessage, FileAction Action, bool? HashesDiffer = null);

/// <summary>The decision table of SPEC §5 (with §5.1's content check), as a pure function. Messages are the design document's.</summary>
public static class EntryDecision
{
    public const string AgentFailedDefault = "Erreur signalée par l'agent.";
    public const string AgentIntegrityDefault = "Intégrité du transfert échouée signalée par l'agent.";
    public const string StagedFileMissing = "Fichier de sauvegarde manquant dans la zone de staging.";

    public static Verdict Decide(string databaseName, ReportLine line, StagedFile staged)
    {
        var quarantineIfPresent = staged is StagedFile.Present ? FileAction.Quarantine : FileAction.None;
        switch (line.Status)
        {
            case AgentLineStatus.Failed:
                return new Verdict(BackupEntryStatus.Failed, line.ErrorMsg ?? AgentFailedDefault, quarantineIfPresent);
            case AgentLineStatus.TransferIntegrityFailed:
                return new Verdict(BackupEntryStatus.TransferIntegrityFailed, line.ErrorMsg ?? AgentIntegrityDefault, quarantineIfPresent);
        }

        switch (staged)
        {
            case StagedFile.SymbolicLink link:
                return new Verdict(BackupEntryStatus.Failed,
                    $"Le fichier stagé '{line.StagedFileName}' est un lien symbolique (vers '{link.Target}') : les liens ne sont jamais suivis, le fichier reste en staging.",
                    FileAction.None);
            case StagedFile.Unreadable unreadable:
                return new Verdict(BackupEntryStatus.Failed,
                    $"Le fichier stagé '{line.StagedFileName}' n'a pas pu être lu : {unreadable.Reason}", FileAction.None);
            case StagedFile.Present present:
                var agentHash = line.HashSha256!;
                if (!string.Equals(present.Digest.Sha256, agentHash, StringComparison.OrdinalIgnoreCase))
                {
                    return new Verdict(BackupEntryStatus.HashMismatch,
                        $"Incohérence de hachage détectée pour '{databaseName}'. Agent: {agentHash.ToLowerInvariant()}, Serveur: {present.Digest.Sha256}",
                        FileAction.Quarantine, HashesDiffer: true);
                }
                if (present.Digest.Content is { Result: ContentCheck.Failed } content)
                    return new Verdict(BackupEntryStatus.Corrupt, ContentCorrupt(line.StagedFileName, content.Detail), FileAction.Quarantine, HashesDiffer: false);
                var sizeWarning = present.Digest.Size != line.SizeBytes
                    ? $"Taille du fichier stagé non concordante avec l'agent (le hachage fait foi). Agent: {line.SizeBytes}, Serveur: {present.Digest.Size}"
                    : null;
                return new Verdict(BackupEntryStatus.Success, sizeWarning, FileAction.Promote, HashesDiffer: false);
            case StagedFile.Absent absent:
                return new Verdict(BackupEntryStatus.Missing, absent.Reason ?? StagedFileMissing, FileAction.None);
            default:
                return new Verdict(BackupEntryStatus.Missing, StagedFileMissing, FileAction.None);
        }
    }

    public static string ContentCorrupt(string? fileName, string? detail) =>
        $"Le contenu du fichier '{fileName}' n'est pas une sauvegarde utilisable (hachage conforme) : {detail}";

    public static string PromotionFailed(string reason) => $"Échec de la promotion de la sauvegarde : {reason}";

    public static string MissedCycle(DateTime cycleUtc, int graceMinutes) =>
        $"Aucune sauvegarde reçue pour le cycle prévu le {cycleUtc:yyyy-MM-dd} à {cycleUtc:HH:mm} UTC (délai de grâce de {graceMinutes} min dépassé).";
}
