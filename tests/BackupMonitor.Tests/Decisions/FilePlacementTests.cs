using BackupMonitor.Decisions;
using BackupMonitor.Files;
using BackupMonitor.Reports;

namespace BackupMonitor.Tests.Decisions;

/// <summary>SPEC §4: where a staged file goes, and recognising an interrupted scan's work, for every combination.</summary>
public sealed class FilePlacementTests
{
    private static readonly string Good = new('a', 64), Other = new('b', 64);
    private const string Relative = "A_B_C/sales/20261123T021000Z_sales.sql.gz", Free = "A_B_C/sales/20261123T021000Z_sales-2.sql.gz";

    private static Unreferenced File(string path, string sha256) => new(path, new FileHasher.Digest(sha256, 8));

    private static readonly Dictionary<string, Unreferenced[]> Candidates = new()
    {
        ["none"] = [],
        ["other"] = [File("x-1", Other)],
        ["match"] = [File("x-1", Good)],
        ["other, match"] = [File("x-1", Other), File("x-2", Good)],
        ["match in capitals"] = [File("x-1", Good.ToUpperInvariant())],
    };

    public static TheoryData<FileAction, bool, string, bool> EveryPlacement()
    {
        var data = new TheoryData<FileAction, bool, string, bool>();
        foreach (var action in Enum.GetValues<FileAction>())
            foreach (var taken in new[] { false, true })
                foreach (var candidates in Candidates.Keys)
                    foreach (var stagedKnown in new[] { false, true })
                        data.Add(action, taken, candidates, stagedKnown);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPlacement))]
    public void A_present_file_goes_to_its_path_else_to_an_earlier_copy_else_to_a_free_path(FileAction action, bool taken, string candidates, bool stagedKnown)
    {
        var placement = FilePlacement.Place(action, Relative, taken, Candidates[candidates], stagedKnown ? Good : null, Free);

        var area = action == FileAction.Promote ? BackupArea.Validated : BackupArea.Quarantine;
        var earlierCopy = stagedKnown ? Candidates[candidates].FirstOrDefault(c => c.Digest.Sha256.Equals(Good, StringComparison.OrdinalIgnoreCase)) : null;
        Placement expected = action == FileAction.None ? new Placement.Stay()
            : !taken ? new Placement.MoveTo(area, Relative)
            : earlierCopy is not null ? new Placement.UseEarlierCopy(area, earlierCopy.RelativePath)
            : new Placement.MoveTo(area, Free);
        Assert.Equal(expected, placement);
    }

    public static TheoryData<AgentLineStatus, string, string> EveryRecognition()
    {
        var data = new TheoryData<AgentLineStatus, string, string>();
        foreach (var status in Enum.GetValues<AgentLineStatus>())
            foreach (var validated in Candidates.Keys)
                foreach (var quarantined in Candidates.Keys)
                    data.Add(status, validated, quarantined);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryRecognition))]
    public void A_vanished_staged_file_is_recognised_only_as_a_good_promotion_or_a_quarantined_copy(AgentLineStatus status, string validated, string quarantined)
    {
        var line = new ReportLine("sales", status, new DateTime(2026, 11, 23, 2, 10, 0, DateTimeKind.Utc), "sales.sql.gz", Good, 8,
            null, null, null, null, null, null, null, null);

        var found = FilePlacement.RecognizeMoved(line, Candidates[validated], Candidates[quarantined], out var area);

        bool IsGood(Unreferenced c) => c.Digest.Sha256.Equals(Good, StringComparison.OrdinalIgnoreCase);
        var success = status == AgentLineStatus.Success;
        var promoted = success ? Candidates[validated].FirstOrDefault(IsGood) : null;
        var expected = promoted ?? Candidates[quarantined].FirstOrDefault(c => !(success && IsGood(c)));
        Assert.Equal(expected, found);
        if (found is not null) Assert.Equal(promoted is not null ? BackupArea.Validated : BackupArea.Quarantine, area);
    }

    [Fact]
    public void A_failed_lines_file_is_never_recognised_as_a_promotion()
    {
        var line = new ReportLine("sales", AgentLineStatus.Failed, DateTime.UnixEpoch, "sales.sql.gz", Good, 8, null, null, null, null, null, null, "boom", null);

        Assert.Null(FilePlacement.RecognizeMoved(line, Candidates["match"], [], out _));
    }
}
