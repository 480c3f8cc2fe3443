namespace BackupMonitor.Dashboard;

/// <summary>The dashboard's texts for the Agents page (SPEC §10), per language.</summary>
public sealed record AgentsText(string Agents, string Intro, string NoAgents, string Agent, string Description, string Jobs, string LastSeen, string Never,
    string Created, string Revoked, string Active)
{
    public static readonly AgentsText English = new("Agents",
        "Sites that push their backups over HTTPS, each with its own token (made by `backupmonitor agents add`, shown once, never here).",
        "No agent yet: `backupmonitor agents add AGENT_ID` makes one.", "Agent", "Description", "Active jobs", "Last seen", "never", "Created", "Revoked", "active");

    public static readonly AgentsText French = new("Agents",
        "Les sites qui envoient leurs sauvegardes en HTTPS, chacun avec son jeton (créé par `backupmonitor agents add`, montré une fois, jamais ici).",
        "Aucun agent : `backupmonitor agents add AGENT_ID` en crée un.", "Agent", "Description", "Tâches actives", "Vu pour la dernière fois", "jamais", "Créé", "Révoqué", "actif");

    public static AgentsText For(string language) => language == "fr" ? French : English;
}
