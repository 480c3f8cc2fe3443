using BackupMonitor.Decisions;
using BackupMonitor.Files;
using BackupMonitor.Reports;

namespace BackupMonitor.Tests.Decisions;

/// <summary>The decision table of SPEC §5 as a pure function: status, message and what happens to the file.</summary>
public class EntryDecisionTests
{
    private static readonly string Hash = new('a', 64);

    private static ReportLine Line(AgentLineStatus status, string? hash = null, long? size = 100, string? error = null) =>
        new("sales", status, new DateTime(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc), "sales.sql.gz", hash ?? Hash, size,
            null, null, null, null, null, null, error, null);

    private static StagedFile Present(string sha256, long size = 100) => new StagedFile.Present(new FileHasher.Digest(sha256, size));

    [Fact]
    public void Agent_failure_is_failed_with_its_message_and_a_present_file_is_quarantined()
    {
        var verdict = EntryDecision.Decide("sales", Line(AgentLineStatus.Failed, error: "boom"), Present(""));

        Assert.Equal(new Verdict(BackupEntryStatus.Failed, "boom", FileAction.Quarantine), verdict);
    }

    [Fact]
    public void Agent_failure_without_a_file_moves_nothing()
    {
        var verdict = EntryDecision.Decide("sales", Line(AgentLineStatus.Failed), new StagedFile.Absent());

        Assert.Equal(new Verdict(BackupEntryStatus.Failed, EntryDecision.AgentFailedDefault, FileAction.None), verdict);
    }

    [Fact]
    public void Transfer_integrity_failure_is_its_own_status()
    {
        var verdict = EntryDecision.Decide("sales", Line(AgentLineStatus.TransferIntegrityFailed), Present(""));

        Assert.Equal(new Verdict(BackupEntryStatus.TransferIntegrityFailed, EntryDecision.AgentIntegrityDefault, FileAction.Quarantine), verdict);
    }

    [Fact]
    public void Different_hashes_are_a_mismatch_and_the_file_is_quarantined()
    {
        var server = new string('b', 64);

        var verdict = EntryDecision.Decide("sales", Line(AgentLineStatus.Success), Present(server));

        Assert.Equal(BackupEntryStatus.HashMismatch, verdict.Status);
        Assert.Equal(FileAction.Quarantine, verdict.Action);
        Assert.True(verdict.HashesDiffer);
        Assert.Equal($"Incohérence de hachage détectée pour 'sales'. Agent: {Hash}, Serveur: {server}", verdict.ErrorMessage);
    }

    [Fact]
    public void Hashes_are_compared_ignoring_case()
    {
        var verdict = EntryDecision.Decide("sales", Line(AgentLineStatus.Success, hash: Hash.ToUpperInvariant()), Present(Hash));

        Assert.Equal(new Verdict(BackupEntryStatus.Success, null, FileAction.Promote, HashesDiffer: false), verdict);
    }

    [Fact]
    public void Equal_hashes_with_different_sizes_succeed_with_a_size_warning()
    {
        var verdict = EntryDecision.Decide("sales", Line(AgentLineStatus.Success, size: 100), Present(Hash, size: 99));

        Assert.Equal(BackupEntryStatus.Success, verdict.Status);
        Assert.Equal(FileAction.Promote, verdict.Action);
        Assert.Contains("Agent: 100, Serveur: 99", verdict.ErrorMessage);
    }

    [Fact]
    public void An_absent_staged_file_is_missing()
    {
        var verdict = EntryDecision.Decide("sales", Line(AgentLineStatus.Success), new StagedFile.Absent());

        Assert.Equal(new Verdict(BackupEntryStatus.Missing, EntryDecision.StagedFileMissing, FileAction.None), verdict);
    }

    [Fact]
    public void A_symbolic_link_is_failed_and_never_moved()
    {
        var verdict = EntryDecision.Decide("sales", Line(AgentLineStatus.Success), new StagedFile.SymbolicLink("/etc/shadow"));

        Assert.Equal(BackupEntryStatus.Failed, verdict.Status);
        Assert.Equal(FileAction.None, verdict.Action);
        Assert.Contains("lien symbolique", verdict.ErrorMessage);
    }

    [Fact]
    public void An_unreadable_staged_file_is_failed_with_the_reason()
    {
        var verdict = EntryDecision.Decide("sales", Line(AgentLineStatus.Success), new StagedFile.Unreadable("Permission denied"));

        Assert.Equal(BackupEntryStatus.Failed, verdict.Status);
        Assert.Contains("Permission denied", verdict.ErrorMessage);
    }
}
