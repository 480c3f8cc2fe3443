namespace BackupMonitor.Persistence;

/// <summary>
/// This process's identity on every claim it takes in the shared database (agent leases, outbox deliveries):
/// `machine:pid:nonce`. One identity per process, so a claim left by a process that died can be recognised and
/// taken over at once on the same machine, whatever kind of claim it was.
/// </summary>
public sealed class ClaimOwner
{
    public string Name { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public override string ToString() => Name;

    /// <summary>True when <paramref name="holder"/> names a process of this machine that no longer runs.</summary>
    public static bool IsDeadLocalProcess(string holder)
    {
        var parts = holder.Split(':');
        if (parts.Length != 3 || parts[0] != Environment.MachineName || !int.TryParse(parts[1], out var pid)) return false;
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
