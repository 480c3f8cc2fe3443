namespace BackupMonitor.Dashboard;

/// <summary>The dashboard's texts for acknowledgements and maintenance windows (SPEC §6.3), per language.</summary>
public sealed record QuietingText(
    string Acknowledge, string Unacknowledge, string AcknowledgedFlash, string UnacknowledgedFlash, string AcknowledgedSince, string NotAcknowledged,
    string UnderMaintenance, string Maintenance, string MaintenanceIntro, string NoWindows, string When, string Matchers, string Reason,
    string AddWindow, string Remove, string From, string Until, string Schedule, string DurationMinutes, string TimeZone, string Every,
    string WindowAdded, string WindowRemoved, Func<int, string> NoSuchWindow, string Company, string City, string Agent, string Database, string AllJobs)
{
    public static readonly QuietingText English = new(
        "Acknowledge: quiet its alerts until it recovers", "Withdraw the acknowledgement", "Job acknowledged: its alerts are suppressed until it recovers.",
        "Acknowledgement withdrawn: its alerts are sent again.", "Acknowledged", "no",
        "under maintenance", "Maintenance windows", "While a window covers a job, its entries are recorded but its alerts and warnings are suppressed. "
        + "A job still failing one grace period after the window ends gets one alert.", "No maintenance window.", "When", "Jobs", "Reason",
        "Add a window", "Remove", "From (UTC)", "Until (UTC)", "or a cron schedule", "Duration (minutes)", "Time zone", "every",
        "Maintenance window added.", "Maintenance window removed.", id => $"No maintenance window has the id {id}.",
        "Company", "City", "Agent", "Database", "every job");

    public static readonly QuietingText French = new(
        "Acquitter : taire ses alertes jusqu'au rétablissement", "Retirer l'acquittement", "Tâche acquittée : ses alertes sont suspendues jusqu'à son rétablissement.",
        "Acquittement retiré : ses alertes sont de nouveau envoyées.", "Acquittée", "non",
        "en maintenance", "Fenêtres de maintenance", "Pendant une fenêtre, les entrées des tâches couvertes sont enregistrées mais leurs alertes et avertissements sont suspendus. "
        + "Une tâche encore en échec un délai de grâce après la fin de la fenêtre reçoit une alerte.", "Aucune fenêtre de maintenance.", "Quand", "Tâches", "Motif",
        "Ajouter une fenêtre", "Supprimer", "Du (UTC)", "Au (UTC)", "ou une planification cron", "Durée (minutes)", "Fuseau horaire", "chaque",
        "Fenêtre de maintenance ajoutée.", "Fenêtre de maintenance supprimée.", id => $"Aucune fenêtre de maintenance n'a l'identifiant {id}.",
        "Société", "Ville", "Agent", "Base", "toutes les tâches");

    public static QuietingText For(string language) => language == "fr" ? French : English;
}
