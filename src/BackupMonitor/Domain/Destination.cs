namespace BackupMonitor.Domain;

/// <summary>The kinds of channel of SPEC §6.2.</summary>
public enum DestinationKind { Email, Webhook, Slack, Teams, Ntfy, Alertmanager }

/// <summary>A place notices go (SPEC §6.2). The secret (and a target that carries a token) is never shown whole.</summary>
public sealed class Destination
{
    /// <summary>The implicit destination built from ADMIN_EMAIL_RECIPIENT: it receives every notice.</summary>
    public const string Admins = "admins";

    public required string Name { get; set; }
    public DestinationKind Kind { get; set; }
    public required string Target { get; set; }
    public string? Secret { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}

/// <summary>Sends the notices it matches to one destination. Null matchers match everything; `*` matches any run of characters.</summary>
public sealed class AlertRoute
{
    public int Id { get; set; }
    public required string Destination { get; set; }
    public string? Company { get; set; }
    public string? City { get; set; }
    public string? Agent { get; set; }
    public string? Database { get; set; }
    /// <summary>Comma-separated entry statuses plus `recovery` and `warning`; null: every notice.</summary>
    public string? Statuses { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}
