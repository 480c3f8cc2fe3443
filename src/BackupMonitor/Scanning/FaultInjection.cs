namespace BackupMonitor.Scanning;

/// <summary>
/// Crash testing: with BACKUPMONITOR_FAULT_CRASH_BEFORE_COMMIT=N the process dies abruptly (no cleanup, like
/// SIGKILL) just before committing its Nth entry, after that entry's files were moved. Unset in production.
/// </summary>
internal static class FaultInjection
{
    private static readonly int CrashBeforeCommit =
        int.TryParse(Environment.GetEnvironmentVariable("BACKUPMONITOR_FAULT_CRASH_BEFORE_COMMIT"), out var n) ? n : 0;
    private static int commits;

    public static void BeforeEntryCommit()
    {
        if (CrashBeforeCommit > 0 && Interlocked.Increment(ref commits) == CrashBeforeCommit)
            Environment.FailFast($"fault injection: crash before commit {CrashBeforeCommit}");
    }
}
