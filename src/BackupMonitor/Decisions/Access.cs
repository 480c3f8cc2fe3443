namespace BackupMonitor.Decisions;

/// <summary>What a key may do (SPEC §11): each role may do what the one before it may, and more.</summary>
public enum Role { Viewer, Operator, Admin }

/// <summary>
/// Everything a key can ask to do, through the API, the dashboard or another issue's routes. An action is named for
/// what it does, not for the route that does it, so a page and an endpoint that do the same thing ask the same.
/// </summary>
public enum AccessAction
{
    // Viewer: reads, within the key's companies.
    ReadJobs, ReadNotifications, ReadMaintenance, ReadReports, ReadDrills, ReadRetentionPlan,
    // Operator: within the key's companies.
    Acknowledge, RunScan, RunDrills, ManageMaintenance,
    // Admin only.
    WriteJobs, ReadDestinations, ManageDestinations, ReadRoutes, ManageRoutes, ReadAgents, ManageAgents,
    ReadKeys, ManageKeys, ReadAudit, SetRetention, ApplyRetention,
    // Admins and keys without a company list (a Prometheus scraper needs no write right).
    ReadMetrics,
}

public enum AccessDecision { Allow, Forbidden, NotFound }

/// <summary>What an action is aimed at: nothing in particular (a list, a scan), one job (by its company), or a maintenance window (by its company matcher).</summary>
public enum TargetKind { None, Job, MaintenanceWindow }

/// <summary>The target of an action: its kind and the company it belongs to (a job's company; a window's `company` matcher, null for none).</summary>
public readonly record struct AccessTarget(TargetKind Kind, string? Company)
{
    public static readonly AccessTarget None = new(TargetKind.None, null);

    /// <summary>A job by its company; null for a job that does not exist (404 unless the role already refuses).</summary>
    public static AccessTarget Job(string? company) => new(TargetKind.Job, company);

    public static AccessTarget Window(string? companyMatcher) => new(TargetKind.MaintenanceWindow, companyMatcher);
}

/// <summary>Who asks: the audit's actor (`key:&lt;name&gt;`, `settings:API_KEYS`…), the role, and the companies (empty: all).</summary>
public sealed record AccessCaller(string Actor, Role Role, IReadOnlyList<string> Companies)
{
    public bool IsScoped => Companies.Count > 0;

    /// <summary>Company names compare exactly (ordinal), as jobs store them and as SQL compares them.</summary>
    public bool Sees(string company) => !IsScoped || Companies.Contains(company, StringComparer.Ordinal);
}

/// <summary>
/// The one authorization decision (SPEC §11), pure: (role, companies, action, target) → allow, 403 or 404. Scope is
/// decided before role: a job outside the key's companies is 404 whatever the action, so its existence is never
/// revealed; then the role must reach the action's; then the action's own rule (a limited operator's maintenance
/// window must name exactly one of its companies; metrics need an unscoped key).
/// </summary>
public static class Access
{
    public static Role Needs(AccessAction action) => action switch
    {
        AccessAction.ReadJobs or AccessAction.ReadNotifications or AccessAction.ReadMaintenance or AccessAction.ReadReports
            or AccessAction.ReadDrills or AccessAction.ReadRetentionPlan or AccessAction.ReadMetrics => Role.Viewer,
        AccessAction.Acknowledge or AccessAction.RunScan or AccessAction.RunDrills or AccessAction.ManageMaintenance => Role.Operator,
        _ => Role.Admin,
    };

    public static AccessDecision Decide(Role role, IReadOnlyList<string> companies, AccessAction action, AccessTarget target)
    {
        var scoped = companies.Count > 0;
        bool Mine(string? company) => company is not null && companies.Contains(company, StringComparer.Ordinal);

        if (scoped && target.Kind == TargetKind.Job && !Mine(target.Company)) return AccessDecision.NotFound;
        if (role < Needs(action)) return AccessDecision.Forbidden;
        if (!scoped) return AccessDecision.Allow;
        return action switch
        {
            AccessAction.ReadMetrics => AccessDecision.Forbidden,
            // A window without a company, or with a wildcard, would quiet other companies' jobs too. (No target: the
            // question "may it manage windows at all", which shows the form.)
            AccessAction.ManageMaintenance when target.Kind == TargetKind.MaintenanceWindow && !Mine(target.Company) => AccessDecision.Forbidden,
            _ => AccessDecision.Allow,
        };
    }

    public static AccessDecision Decide(AccessCaller caller, AccessAction action, AccessTarget target) =>
        Decide(caller.Role, caller.Companies, action, target);

    public static string Wire(Role role) => role.ToString().ToLowerInvariant();

    public static bool TryParseRole(string? text, out Role role)
    {
        role = default;
        return text is "viewer" or "operator" or "admin" && Enum.TryParse(text, true, out role);
    }
}
