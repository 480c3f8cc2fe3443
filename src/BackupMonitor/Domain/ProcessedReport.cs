namespace BackupMonitor.Domain;

public enum ReportOutcome { Valid, Invalid }

/// <summary>Where one report file went; lets an interrupted scan finish without doing the work twice.</summary>
public sealed class ProcessedReport
{
    public int Id { get; set; }
    public required string AgentId { get; set; }
    public required string FileName { get; set; }
    /// <summary>SHA-256 of the report's bytes: identifies the same report across an interrupted scan and its re-run.</summary>
    public required string ContentSha256 { get; set; }
    public DateTime? ReportTimestampUtc { get; set; }
    public DateTime ReadAtUtc { get; set; }
    public ReportOutcome Outcome { get; set; }
    public string? Error { get; set; }
    public string? ArchivedPath { get; set; }
    public string? QuarantinePath { get; set; }
}
