namespace BackupMonitor.Scanning;

/// <summary>Work `serve` does after each scheduled scan (daily retention…); a failure is logged and never stops the schedule.</summary>
public interface IAfterScheduledScan
{
    Task AfterScanAsync(CancellationToken cancellationToken);
}
