using BackupMonitor.Decisions;
using BackupMonitor.Files;
using BackupMonitor.Reports;

namespace BackupMonitor.Tests.Decisions;

/// <summary>SPEC §5 with §5.1: where the content check's verdict enters the decision table, for every input.</summary>
public class ContentDecisionTests
{
    private static readonly string Hash = new('a', 64);
    private static readonly string OtherHash = new('b', 64);

    private static ReportLine Line(AgentLineStatus status, long size = 100) =>
        new("sales", status, new DateTime(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc), "sales.sql.gz", Hash, size,
            null, null, null, null, null, null, null, null);

    private static readonly ContentVerdict?[] Contents =
    [
        null,
        ContentVerdict.Passed("gzip+postgresql_sql"),
        ContentVerdict.Failed("gzip", "gzip: stream ends at byte 1048576 before its trailer"),
        ContentVerdict.Skipped("zstd", "zstd: decoding stopped"),
        ContentVerdict.Unrecognised,
        ContentVerdict.Off,
    ];

    public static IEnumerable<object?[]> EveryCase()
    {
        var contentIndexes = Enumerable.Range(0, Contents.Length).ToList();
        foreach (var agent in Enum.GetValues<AgentLineStatus>())
        foreach (var hash in new[] { Hash, OtherHash })
        foreach (var size in new[] { 100L, 99L })
        foreach (var content in contentIndexes)
            yield return [agent, hash, size, content];
    }

    [Theory]
    [MemberData(nameof(EveryCase))]
    public void Every_present_file_case_follows_the_table(AgentLineStatus agent, string serverHash, long serverSize, int contentIndex)
    {
        var content = Contents[contentIndex];
        var verdict = EntryDecision.Decide("sales", Line(agent), new StagedFile.Present(new FileHasher.Digest(serverHash, serverSize, content)));

        var (status, action) = agent switch
        {
            AgentLineStatus.Failed => (BackupEntryStatus.Failed, FileAction.Quarantine),
            AgentLineStatus.TransferIntegrityFailed => (BackupEntryStatus.TransferIntegrityFailed, FileAction.Quarantine),
            _ when serverHash != Hash => (BackupEntryStatus.HashMismatch, FileAction.Quarantine),
            _ when content?.Result == ContentCheck.Failed => (BackupEntryStatus.Corrupt, FileAction.Quarantine),
            _ => (BackupEntryStatus.Success, FileAction.Promote),
        };
        Assert.Equal((status, action), (verdict.Status, verdict.Action));
        if (status == BackupEntryStatus.Corrupt) Assert.Contains(content!.Detail!, verdict.ErrorMessage);
        if (status == BackupEntryStatus.Success) Assert.Equal(serverSize != 100, verdict.ErrorMessage is not null);
    }

    [Fact]
    public void A_corrupt_entry_names_the_file_and_what_broke()
    {
        var verdict = EntryDecision.Decide("sales", Line(AgentLineStatus.Success),
            new StagedFile.Present(new FileHasher.Digest(Hash, 100, ContentVerdict.Failed("gzip", "gzip: stream ends at byte 4098 before its trailer"))));

        Assert.Equal(new Verdict(BackupEntryStatus.Corrupt,
            "Le contenu du fichier 'sales.sql.gz' n'est pas une sauvegarde utilisable (hachage conforme) : gzip: stream ends at byte 4098 before its trailer",
            FileAction.Quarantine, HashesDiffer: false), verdict);
    }

    [Fact]
    public void Corrupt_is_a_failure_status_with_its_alert_label()
    {
        Assert.Equal(JobStatus.Corrupt, BackupEntryStatus.Corrupt.ToJobStatus());
        Assert.True(JobStatus.Corrupt.IsFailure());
        Assert.Equal("CORRUPT", BackupEntryStatus.Corrupt.ToLabel());
        Assert.Equal("corrupt", BackupEntryStatus.Corrupt.ToWire());
        Assert.True(StatusNames.TryParseJobStatus("corrupt", out var parsed) && parsed == JobStatus.Corrupt);
    }
}
