using BackupMonitor.Domain;

namespace BackupMonitor.Dashboard;

/// <summary>The dashboard's texts for restore drills (SPEC §13), per language.</summary>
public sealed record DrillText(
    string Drills, string LastDrill, string NoDrill, string Duration, string Tables, string Rows, string Format, string Detail, string Started,
    string ChartTitle, Func<int, string> ChartDescription, string Seconds, string SameFigures, Func<int, int, int, string> DrilledWithin,
    Func<DrillStatus, string> Status)
{
    public static readonly DrillText English = new(
        "Restore drills", "Last drill", "never drilled", "Duration", "Tables", "Rows", "Format", "Detail", "Started",
        "Restore duration", count => $"Duration of this job's database restore drills over 90 days ({count} passed).", "s",
        "The same figures as a table",
        (drilled, active, days) => $"{drilled} of {active} active jobs drilled within the last {days} days",
        status => status switch { DrillStatus.Passed => "passed", DrillStatus.Failed => "failed", DrillStatus.Skipped => "skipped", _ => "running" });

    public static readonly DrillText French = new(
        "Tests de restauration", "Dernier test", "jamais testée", "Durée", "Tables", "Lignes", "Format", "Détail", "Début",
        "Durée de restauration", count => $"Durée des tests de restauration de cette tâche sur 90 jours ({count} réussis).", "s",
        "Les mêmes chiffres en tableau",
        (drilled, active, days) => $"{drilled} tâches actives sur {active} testées ces {days} derniers jours",
        status => status switch { DrillStatus.Passed => "réussi", DrillStatus.Failed => "échoué", DrillStatus.Skipped => "ignoré", _ => "en cours" });

    public static DrillText For(string language) => language == "fr" ? French : English;

    public static string CssClass(DrillStatus status) => status switch
    {
        DrillStatus.Passed => "st-ok",
        DrillStatus.Failed => "st-failed",
        DrillStatus.Skipped => "st-unknown",
        _ => "st-missing",
    };
}
