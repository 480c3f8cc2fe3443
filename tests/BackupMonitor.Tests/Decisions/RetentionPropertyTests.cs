using BackupMonitor.Decisions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BackupMonitor.Tests.Decisions;

/// <summary>SPEC §14's promises over random histories, policies and zones (FsCheck).</summary>
public class RetentionPropertyTests
{
    private static readonly DateTime Now = new(2027, 6, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly string[] Zones = ["UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham"];

    /// <summary>A history: distinct operation times over three years before <see cref="Now"/>, some minutes apart, some bunched into one second.</summary>
    public sealed record History(IReadOnlyList<RetainedBackup> Backups, string Zone)
    {
        public override string ToString() => $"{Zone}: {string.Join(", ", Backups.Select(b => $"{b.EntryId}@{b.OperationUtc:yyyy-MM-ddTHH:mm:ss.fff}{(b.Held ? " held" : "")}"))}";
    }

    private static readonly Gen<History> Histories =
        from offsets in Gen.Choose(0, 3 * 366 * 24 * 60).ArrayOf()
        from millis in Gen.Choose(0, 999).ArrayOf()
        from zone in Gen.Elements(Zones)
        from heldEvery in Gen.Choose(0, 12)
        select new History(offsets.Distinct().Select((minutes, i) =>
        {
            var at = Now.AddMinutes(-minutes - 1).AddMilliseconds(i < millis.Length ? millis[i] : 0);
            return new RetainedBackup(i + 1, at, at.AddMinutes(5), heldEvery > 0 && i % heldEvery == 0);
        }).GroupBy(b => b.OperationUtc).Select(g => g.First()).ToList(), zone);

    private static readonly Gen<int> Count = Gen.Frequency((3, Gen.Choose(0, 5)), (1, Gen.Choose(6, 40)));

    private static readonly Gen<int[]> Counts = Count.ArrayOf(5);

    private static RetentionPolicy PolicyOf(int[] counts) => new(counts[0], counts[1], counts[2], counts[3], counts[4]);

    private static readonly Gen<RetentionPolicy> Policies =
        from counts in Counts
        from given in Gen.Elements(true, false).ArrayOf(5)
        select new RetentionPolicy(given[0] ? counts[0] : null, given[1] ? counts[1] : null, given[2] ? counts[2] : null, given[3] ? counts[3] : null, given[4] ? counts[4] : null);

    private static RetentionDecisionResult Decide(History history, RetentionPolicy policy, int maxPercent = 100, RetentionFacts? facts = null) =>
        RetentionDecision.Decide(history.Backups, policy, TimeZoneInfo.FindSystemTimeZoneById(history.Zone), facts ?? RetentionRulesTests.Healthy, maxPercent, Now);

    [Property(MaxTest = 300)]
    public Property The_newest_backup_is_always_kept() =>
        Prop.ForAll(Arb.From(Histories), Arb.From(Policies), Arb.From(Gen.Choose(0, 100)), (history, policy, maxPercent) =>
        {
            if (history.Backups.Count == 0) return;
            var newest = history.Backups.MaxBy(b => b.OperationUtc);
            var verdict = Decide(history, policy, maxPercent).Backups.Single(b => b.Backup.EntryId == newest.EntryId);
            Assert.True(verdict.Keep);
            Assert.Contains(verdict.Rules, r => r.Rule == "newest");
        });

    [Property(MaxTest = 300)]
    public Property Planning_again_after_applying_the_plan_prunes_nothing() =>
        Prop.ForAll(Arb.From(Histories), Arb.From(Policies), Arb.From(Gen.Choose(0, 100)), (history, policy, maxPercent) =>
        {
            var first = Decide(history, policy, maxPercent);
            var kept = history with { Backups = first.Backups.Where(b => b.Keep).Select(b => b.Backup).ToList() };
            Assert.Empty(Decide(kept, policy, maxPercent).Pruned);
        });

    [Property(MaxTest = 300)]
    public Property A_bigger_policy_keeps_a_superset_of_a_smaller_one() =>
        Prop.ForAll(Arb.From(Histories), Arb.From(Counts), Arb.From(Counts), (history, smaller, more) =>
        {
            var bigger = smaller.Zip(more, (a, b) => a + b % 3).ToArray();
            var keptBySmaller = Decide(history, PolicyOf(smaller)).Backups.Where(b => b.Keep).Select(b => b.Backup.EntryId).ToHashSet();
            var keptByBigger = Decide(history, PolicyOf(bigger)).Backups.Where(b => b.Keep).Select(b => b.Backup.EntryId).ToHashSet();
            Assert.Subset(keptByBigger, keptBySmaller);
        });

    [Property(MaxTest = 300)]
    public Property Never_more_than_the_max_percent_is_pruned_and_a_refusal_prunes_nothing() =>
        Prop.ForAll(Arb.From(Histories), Arb.From(Policies), Arb.From(Gen.Choose(0, 100)), (history, policy, maxPercent) =>
        {
            var result = Decide(history, policy, maxPercent);
            var pruned = result.Pruned.Count();
            Assert.True(pruned * 100 <= maxPercent * history.Backups.Count, $"{pruned} of {history.Backups.Count} pruned, limit {maxPercent} %");
            if (result.LeftAsIs is not null) Assert.Equal(0, pruned);
        });

    [Property(MaxTest = 300)]
    public Property Nothing_is_pruned_for_a_failing_job() =>
        Prop.ForAll(Arb.From(Histories), Arb.From(Policies),
            Arb.From(Gen.Elements(JobStatus.Failed, JobStatus.Missing, JobStatus.HashMismatch, JobStatus.TransferIntegrityFailed, JobStatus.Corrupt, JobStatus.Unknown)),
            (history, policy, status) =>
            {
                var result = Decide(history, policy, 100, RetentionRulesTests.Healthy with { Status = status });
                Assert.Empty(result.Pruned);
                Assert.All(result.Backups, b => Assert.True(b.Keep));
            });
}
