namespace BackupMonitor.Dashboard;

/// <summary>The dashboard's texts for the monthly compliance reports (SPEC §12), per language.</summary>
public sealed record ReportText(
    string Reports, string Intro, string Month, string Show, string DownloadCsv, string DownloadHtml, string NoJobs, string Company, string Job,
    string Agent, string Database, string Expected, string Excluded, string Success, string ContentPassed, string Drilled, string Missing,
    string Failed, string Compliance, string Total, string BadMonth)
{
    public static readonly ReportText English = new(
        "Reports", "Each company's monthly compliance: the cycles its jobs' schedules expected (while each job was watched, deadline passed), "
        + "those in maintenance, and what became of the others. Compliance = success ÷ (expected − maintenance). BackupMonitor sends each company's "
        + "report on the first of the next month, to the administrators and to the routes on status report.",
        "Month", "Show", "Download CSV", "Download the printable report (HTML, one A4 page per company)", "No job was watched that month.",
        "Company", "Job", "Agent", "Database", "Expected", "Maintenance", "Success", "Content checked", "Restore tested", "Missing", "Failed",
        "Compliance", "total", "The month must be written YYYY-MM.");

    public static readonly ReportText French = new(
        "Rapports", "La conformité mensuelle de chaque société : les cycles attendus par les planifications de ses tâches (pendant leur surveillance, délai écoulé), "
        + "ceux en maintenance, et ce que sont devenus les autres. Conformité = réussies ÷ (attendues − maintenance). BackupMonitor envoie le rapport "
        + "de chaque société le premier du mois suivant, aux administrateurs et aux routes sur le statut report.",
        "Mois", "Afficher", "Télécharger le CSV", "Télécharger le rapport imprimable (HTML, une page A4 par société)", "Aucune tâche n'était surveillée ce mois-là.",
        "Société", "Tâche", "Agent", "Base", "Attendues", "Maintenance", "Réussies", "Contenu vérifié", "Restauration testée", "Manquantes", "En échec",
        "Conformité", "total", "Le mois s'écrit AAAA-MM.");

    public static ReportText For(string language) => language == "fr" ? French : English;
}
