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
    private static int commits;

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
