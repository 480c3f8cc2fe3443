namespace BackupMonitor.Domain;

/// <summary>The record of one scan: when it ran and what it counted (for metrics and the dashboard).</summary>
public sealed class ScanRun
{
    public int Id { get; set; }
    public DateTime StartedAtUtc { get; set; }
    public DateTime FinishedAtUtc { get; set; }
    public int ReportsRead { get; set; }
    public int ReportsInvalid { get; set; }
    public int EntriesCreated { get; set; }
    public int Success { get; set; }
    public int Failed { get; set; }
    public int Missing { get; set; }
    public int HashMismatch { get; set; }
    public int TransferIntegrityFailed { get; set; }
    public int Corrupt { get; set; }
    public long BytesVerified { get; set; }
    public long DurationMs { get; set; }
    public string? Host { get; set; }
}
