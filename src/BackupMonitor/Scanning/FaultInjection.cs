namespace BackupMonitor.Scanning;

/// <summary>
/// Crash and concurrency testing, driven by environment variables that are unset in production.
/// With BACKUPMONITOR_FAULT_CRASH_BEFORE_COMMIT=N the process dies abruptly (no cleanup, like SIGKILL) just
/// before committing its Nth entry, after that entry's files were moved. With BACKUPMONITOR_TEST_START_GATE=PATH
/// a scan writes `PATH.&lt;pid&gt;.ready` and waits for PATH to exist, so a test can start several scans at the
/// same instant (a scan now takes less time than the jitter of starting a process).
/// </summary>
internal static class FaultInjection
{
    private static readonly int CrashBeforeCommit =
        int.TryParse(Environment.GetEnvironmentVariable("BACKUPMONITOR_FAULT_CRASH_BEFORE_COMMIT"), out var n) ? n : 0;
    private static readonly string? StartGate = Environment.GetEnvironmentVariable("BACKUPMONITOR_TEST_START_GATE");
    private static readonly int CrashAtRetentionStep =
        int.TryParse(Environment.GetEnvironmentVariable("BACKUPMONITOR_FAULT_CRASH_AT_RETENTION_STEP"), out var r) ? r : 0;
    private static int commits;
    private static int retentionSteps;

    /// <summary>BACKUPMONITOR_FAULT_CRASH_AT_RETENTION_STEP=N: the process dies abruptly after the Nth step of a retention apply (mark, move, purge).</summary>
    public static void AfterRetentionStep(string step)
    {
        if (CrashAtRetentionStep > 0 && Interlocked.Increment(ref retentionSteps) == CrashAtRetentionStep)
            Environment.FailFast($"fault injection: crash after retention step {CrashAtRetentionStep} ({step})");
    }

    public static void BeforeEntryCommit()
    {
        if (CrashBeforeCommit > 0 && Interlocked.Increment(ref commits) == CrashBeforeCommit)
            Environment.FailFast($"fault injection: crash before commit {CrashBeforeCommit}");
    }

    public static async Task WaitAtStartGateAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(StartGate)) return;
        await File.WriteAllTextAsync($"{StartGate}.{Environment.ProcessId}.ready", "", cancellationToken);
        while (!File.Exists(StartGate)) await Task.Delay(10, cancellationToken);
    }
}
