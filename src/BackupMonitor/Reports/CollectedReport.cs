namespace BackupMonitor.Reports;

/// <summary>A valid report read from staging, waiting to be evaluated and archived.</summary>
public sealed record CollectedReport(string AgentId, string FilePath, string FileName, string ContentSha256, StatusReport Report);
