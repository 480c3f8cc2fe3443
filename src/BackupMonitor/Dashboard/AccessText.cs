using BackupMonitor.Decisions;

namespace BackupMonitor.Dashboard;

/// <summary>The dashboard's texts for roles and the audit trail (SPEC §11), per language.</summary>
public sealed record AccessText(
    string Viewer, string Operator, string Admin, string Companies, string Audit, string AuditIntro, string NoEvents,
    string At, string Actor, string Action, string Target, string Changes, string Since, string Filter)
{
    public static readonly AccessText English = new(
        "Viewer (Read-only)", "Operator", "Admin (Full access)", "companies", "Audit", "Every change made through the API, the dashboard or the command line, newest first (secrets masked).",
        "No audit event.", "When", "Actor", "Action", "Target", "Changes", "Since (UTC)", "Filter");

    public static readonly AccessText French = new(
        "Lecteur (Lecture seule)", "Opérateur", "Administrateur (Accès complet)", "sociétés", "Audit", "Chaque modification faite par l'API, le tableau de bord ou la ligne de commande, la plus récente d'abord (secrets masqués).",
        "Aucun événement d'audit.", "Quand", "Auteur", "Action", "Cible", "Modifications", "Depuis (UTC)", "Filtrer");

    public static AccessText For(string language) => language == "fr" ? French : English;

    public string RoleName(Role role) => role switch { Role.Admin => Admin, Role.Operator => Operator, _ => Viewer };
}
