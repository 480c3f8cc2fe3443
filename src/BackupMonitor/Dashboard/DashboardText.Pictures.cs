namespace BackupMonitor.Dashboard;

/// <summary>The texts of the overview's company table and of the charts, per language (kept apart from the main texts).</summary>
public sealed class PictureText
{
    public required string Companies { get; init; }
    public required string JobsCount { get; init; }
    public required string Failing { get; init; }
    public required string LastVerified { get; init; }
    public required string Compliance30 { get; init; }
    public required string ComplianceExplained { get; init; }
    public required Func<string, string> CompanyCompliance { get; init; }
    public required Func<string, int, int, string> CompanyComplianceSummary { get; init; }
    public required string Day { get; init; }
    public required string VerifiedOfExpected { get; init; }
    public required string Pictures90 { get; init; }
    public required string BackupSize { get; init; }
    public required Func<int, int, string, string> SizeSummary { get; init; }
    public required string VerifiedAfter { get; init; }
    public required Func<int, string, string> VerifiedAfterSummary { get; init; }
    public required string Calendar { get; init; }
    public required Func<int, int, int, int, string> CalendarSummary { get; init; }
    public required string FiguresAsTable { get; init; }
    public required string SizeDrop { get; init; }
    public required string Minutes { get; init; }
    public required Func<int, int, int, string> RowsShown { get; init; }
    public required Func<int, int, int, string> CompaniesShown { get; init; }
    public required Func<int, int, string> CompaniesPageOf { get; init; }

    public static readonly PictureText English = new()
    {
        Companies = "Companies",
        JobsCount = "Jobs",
        Failing = "Failing",
        LastVerified = "Last verified backup",
        Compliance30 = "Cycles verified (30 days)",
        ComplianceExplained = "Share of the daily cycles due in the last 30 days that have a verified backup.",
        CompanyCompliance = company => $"{company}: cycles verified per day, last 30 days",
        CompanyComplianceSummary = (company, verified, expected) => $"{company}: {verified} of {expected} cycles verified over 30 days.",
        Day = "Day",
        VerifiedOfExpected = "Verified / due",
        Pictures90 = "Last 90 days",
        BackupSize = "Backup size",
        SizeSummary = (entries, drops, largest) => $"{entries} entries with a size; largest {largest}; {drops} marked as a size drop.",
        VerifiedAfter = "Verified after (minutes from backup to verification)",
        VerifiedAfterSummary = (entries, median) => $"{entries} verified backups; median delay {median} minutes.",
        Calendar = "Cycles as a calendar",
        CalendarSummary = (ok, bad, none, idle) => $"{ok} cycles verified, {bad} failed or missed, {none} without any report"
            + (idle > 0 ? $"; {idle} days expected no backup (before the job existed, while it was deactivated, or off its schedule)." : "."),
        FiguresAsTable = "The same figures as a table",
        SizeDrop = "size drop",
        Minutes = "min",
        RowsShown = (first, last, total) => $"Jobs {first}–{last} of {total}",
        CompaniesShown = (first, last, total) => $"Companies {first}–{last} of {total}",
        CompaniesPageOf = (page, pages) => $"Companies: page {page} of {pages}",
    };

    public static readonly PictureText French = new()
    {
        Companies = "Sociétés",
        JobsCount = "Tâches",
        Failing = "En échec",
        LastVerified = "Dernière sauvegarde vérifiée",
        Compliance30 = "Cycles vérifiés (30 jours)",
        ComplianceExplained = "Part des cycles quotidiens attendus ces 30 derniers jours qui ont une sauvegarde vérifiée.",
        CompanyCompliance = company => $"{company} : cycles vérifiés par jour, 30 derniers jours",
        CompanyComplianceSummary = (company, verified, expected) => $"{company} : {verified} cycles vérifiés sur {expected} en 30 jours.",
        Day = "Jour",
        VerifiedOfExpected = "Vérifiés / attendus",
        Pictures90 = "90 derniers jours",
        BackupSize = "Taille de la sauvegarde",
        SizeSummary = (entries, drops, largest) => $"{entries} entrées avec une taille ; la plus grande {largest} ; {drops} signalées comme baisse de taille.",
        VerifiedAfter = "Vérifiée après (minutes entre la sauvegarde et sa vérification)",
        VerifiedAfterSummary = (entries, median) => $"{entries} sauvegardes vérifiées ; délai médian {median} minutes.",
        Calendar = "Cycles en calendrier",
        CalendarSummary = (ok, bad, none, idle) => $"{ok} cycles vérifiés, {bad} en échec ou manqués, {none} sans aucun rapport"
            + (idle > 0 ? $" ; {idle} jours sans sauvegarde attendue (avant la création de la tâche, pendant sa désactivation ou hors de sa planification)." : "."),
        FiguresAsTable = "Les mêmes chiffres en tableau",
        SizeDrop = "baisse de taille",
        Minutes = "min",
        RowsShown = (first, last, total) => $"Tâches {first}–{last} sur {total}",
        CompaniesShown = (first, last, total) => $"Sociétés {first}–{last} sur {total}",
        CompaniesPageOf = (page, pages) => $"Sociétés : page {page} sur {pages}",
    };
}

public sealed partial class DashboardText
{
    /// <summary>The company table's and charts' texts in this language.</summary>
    public PictureText Pictures => Language == "fr" ? PictureText.French : PictureText.English;
}
