namespace BackupMonitor.Domain;

/// <summary>A time-limited claim on an agent's reports, so concurrent scanners never process them twice.</summary>
public sealed class AgentLease
{
    public required string AgentId { get; set; }
    public required string Owner { get; set; }
    public DateTime ExpiresAtUtc { get; set; }
}
