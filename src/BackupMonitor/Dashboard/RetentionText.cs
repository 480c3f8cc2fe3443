using System.Globalization;

namespace BackupMonitor.Dashboard;

/// <summary>The dashboard's texts for retention (SPEC §14), per language.</summary>
public sealed record RetentionText(
    string Retention, string Policy, string FromJob, string FromCompany, string FromDefault, string LeftAsIs, string Trash, string Storage,
    string ValidatedStorage, string Backup, string Action, string Rules, string Keep, string Prune, string NoBackups, string SpaceCached)
{
    public static readonly RetentionText English = new(
        "Retention", "Policy", "the job's own", "its company's", "the default (RETENTION)", "Left as it is", "Trash", "Storage",
        "Validated storage", "Backup", "Plan", "Kept by", "keep", "prune", "No validated backup.",
        "Computed from the sizes the scans measured; refreshed every few minutes.");

    public static readonly RetentionText French = new(
        "Rétention", "Politique", "celle de la tâche", "celle de sa société", "celle par défaut (RETENTION)", "Laissée telle quelle", "Corbeille", "Stockage",
        "Stockage validé", "Sauvegarde", "Plan", "Gardée par", "garder", "élaguer", "Aucune sauvegarde validée.",
        "Calculé d'après les tailles mesurées par les scans ; rafraîchi toutes les quelques minutes.");

    public static RetentionText For(string language) => language == "fr" ? French : English;

    public string Source(string source) => source switch { "job" => FromJob, "company" => FromCompany, _ => FromDefault };

    /// <summary>`1,234,567 bytes (3 files)` in the page's language.</summary>
    public string Space(long bytes, int files) => this == French
        ? string.Create(CultureInfo.GetCultureInfo("fr-FR"), $"{bytes:N0} octets ({files} fichier{(files > 1 ? "s" : "")})")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes ({files} file{(files == 1 ? "" : "s")})");
}
