using System.Collections.Concurrent;
using BackupMonitor.Domain;

namespace BackupMonitor.Faults;

/// <summary>
/// Every test seam of the product, one singleton (registered in <c>Hosting/AppSetup</c>): nothing happens unless a test
/// sets it. Built from the environment in production, where crash and concurrency tests that start real processes
/// drive it; tests in the same process replace it through the service collection and set its hooks.
/// <list type="bullet">
/// <item>BACKUPMONITOR_FAULT_CRASH_BEFORE_COMMIT=N: the process dies abruptly (no cleanup, like SIGKILL) just before
/// committing its Nth entry, after that entry's files were moved.</item>
/// <item>BACKUPMONITOR_FAULT_CRASH_AT_RETENTION_STEP=N: it dies abruptly after the Nth step of a retention apply
/// (mark, move, purge).</item>
/// <item>BACKUPMONITOR_TEST_START_GATE=PATH: a scan or an apply writes `PATH.&lt;pid&gt;.ready` and waits for PATH to
/// exist, so a test can start several at the same instant (a scan takes less time than the jitter of starting a process).</item>
/// </list>
/// </summary>
public sealed class FaultPoints
{
    private int commits;
    private int retentionSteps;

    public int CrashBeforeCommit { get; init; }
    public int CrashAtRetentionStep { get; init; }
    public string? StartGate { get; init; }

    /// <summary>Pretend every move crosses filesystems (copy, verify, rename; the source left for the caller).</summary>
    public bool ForceCopy { get; set; }

    /// <summary>When set, the sources of copies that read their file again (rather than sharing the hashing read).</summary>
    public ConcurrentQueue<string>? ReadingCopies { get; set; }

    /// <summary>Runs for each entry before its commit starts, after its files were moved (a crash here must lose nothing).</summary>
    public Action<BackupEntry>? BeforeCommit { get; set; }

    /// <summary>Runs for each entry right after its commit, before the scan removes a copied staged file.</summary>
    public Action<BackupEntry>? AfterCommit { get; set; }

    /// <summary>Runs after each retention step that changed the database or a file: `marked`, `moved`, `purged`, `restore-marked`, `restore-moved`.</summary>
    public Action<string>? AfterRetentionStep { get; set; }

    public static FaultPoints FromEnvironment() => new()
    {
        CrashBeforeCommit = Number("BACKUPMONITOR_FAULT_CRASH_BEFORE_COMMIT"),
        CrashAtRetentionStep = Number("BACKUPMONITOR_FAULT_CRASH_AT_RETENTION_STEP"),
        StartGate = Environment.GetEnvironmentVariable("BACKUPMONITOR_TEST_START_GATE") is { Length: > 0 } gate ? gate : null,
    };

    private static int Number(string variable) => int.TryParse(Environment.GetEnvironmentVariable(variable), out var n) ? n : 0;

    /// <summary>The scan, before it commits an entry (BACKUPMONITOR_FAULT_CRASH_BEFORE_COMMIT).</summary>
    public void BeforeEntryCommit()
    {
        if (CrashBeforeCommit > 0 && Interlocked.Increment(ref commits) == CrashBeforeCommit)
            Environment.FailFast($"fault injection: crash before commit {CrashBeforeCommit}");
    }

    /// <summary>After a step of a retention apply (the hook, then BACKUPMONITOR_FAULT_CRASH_AT_RETENTION_STEP).</summary>
    public void AfterRetention(string step)
    {
        AfterRetentionStep?.Invoke(step);
        if (CrashAtRetentionStep > 0 && Interlocked.Increment(ref retentionSteps) == CrashAtRetentionStep)
            Environment.FailFast($"fault injection: crash after retention step {CrashAtRetentionStep} ({step})");
    }

    public async Task WaitAtStartGateAsync(CancellationToken cancellationToken)
    {
        if (StartGate is null) return;
        await File.WriteAllTextAsync($"{StartGate}.{Environment.ProcessId}.ready", "", cancellationToken);
        while (!File.Exists(StartGate)) await Task.Delay(10, cancellationToken);
    }
}
