using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using Microsoft.Extensions.Time.Testing;

namespace BackupMonitor.Tests.Decisions;

/// <summary>SPEC §6.1 and §6.3 as one pure policy: every combination of its facts, then whole nights on a fake clock.</summary>
public sealed class AlertPolicyTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 3, 0, 0, DateTimeKind.Utc);
    private static readonly MaintenanceWindow Move = new() { Id = 7, Reason = "datacenter move", FromUtc = Now.AddHours(-1), UntilUtc = Now.AddHours(1) };
    private static readonly AlertOptions EveryFailure = AlertOptions.Default;
    private static readonly AlertOptions OnChange = AlertOptions.Default with { Mode = AlertMode.OnChange };

    public static TheoryData<NoticeKind?, JobStatus, bool, bool, bool, bool, AlertMode> Everything()
    {
        var data = new TheoryData<NoticeKind?, JobStatus, bool, bool, bool, bool, AlertMode>();
        NoticeKind?[] kinds = [null, .. Enum.GetValues<NoticeKind>().Cast<NoticeKind?>()];
        foreach (var kind in kinds)
            foreach (var status in Enum.GetValues<JobStatus>())
                foreach (var changed in new[] { false, true })
                    foreach (var acknowledged in new[] { false, true })
                        foreach (var alertedRecently in new[] { false, true })
                            foreach (var inWindow in new[] { false, true })
                                foreach (var mode in Enum.GetValues<AlertMode>())
                                    data.Add(kind, status, changed, acknowledged, alertedRecently, inWindow, mode);
        return data;
    }

    [Theory]
    [MemberData(nameof(Everything))]
    public void Every_combination_of_facts_follows_the_rules(NoticeKind? kind, JobStatus status, bool changed, bool acknowledged, bool alertedRecently, bool inWindow, AlertMode mode)
    {
        var facts = new AlertFacts(kind, status, changed, acknowledged ? Now.AddHours(-5) : null, alertedRecently ? Now.AddHours(-1) : null, inWindow ? [Move] : []);
        var decision = AlertPolicy.Decide(facts, AlertOptions.Default with { Mode = mode }, Now);

        // The acknowledgement ends exactly when the job recovers (a change to a non-failure status).
        Assert.Equal(acknowledged && changed && !status.IsFailure(), decision.ClearAcknowledgement);
        if (kind is null)
        {
            Assert.False(decision.Raise);
            return;
        }
        if (kind is NoticeKind.Recovery or NoticeKind.Report)
        {
            // A recovery tells the team the failure is over; a company's monthly report has no job to quiet.
            Assert.True(decision.Raise);
            Assert.Null(decision.SuppressedBecause);
            return;
        }
        var raises = kind != NoticeKind.Alert || mode == AlertMode.EveryFailure || (status.IsFailure() && (changed || !alertedRecently));
        Assert.Equal(raises, decision.Raise);
        if (!raises) return;
        if (inWindow)
        {
            Assert.Equal("suppressed: maintenance window 7 (datacenter move)", decision.SuppressedBecause);
            Assert.Equal(7, decision.SuppressedByWindowId);
        }
        else if (kind == NoticeKind.Alert && acknowledged && status.IsFailure())
        {
            Assert.Equal("suppressed: job acknowledged at 2026-11-29T22:00:00Z", decision.SuppressedBecause);
            Assert.Null(decision.SuppressedByWindowId);
        }
        else Assert.Null(decision.SuppressedBecause);
    }

    /// <summary>A job's life on a fake clock: entries arrive, the policy decides, the job keeps its acknowledgement and last alert.</summary>
    private sealed class Life(AlertOptions options)
    {
        public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(Now));
        public JobStatus Status { get; private set; } = JobStatus.Ok;
        public DateTime? Acknowledged { get; set; }
        public DateTime? LastAlert { get; private set; }
        public List<(DateTime At, string What)> Sent { get; } = [];
        public List<(DateTime At, string Why)> Suppressed { get; } = [];
        public List<MaintenanceWindow> Windows { get; } = [];

        public void Entry(BackupEntryStatus entry)
        {
            var now = Clock.GetUtcNow().UtcDateTime;
            var previous = Status;
            Status = entry.ToJobStatus();
            var kind = entry != BackupEntryStatus.Success ? NoticeKind.Alert : previous.IsFailure() ? NoticeKind.Recovery : (NoticeKind?)null;
            var job = new ExpectedBackupJob { CompanyName = "ACME", City = "Lyon", Neighborhood = "Centre", DatabaseName = "stock", AgentIdResponsible = "ACME_Lyon_Centre" };
            var facts = new AlertFacts(kind, Status, previous != Status, Acknowledged, LastAlert, MaintenanceCoverage.Covering(Windows, job, now));
            var decision = AlertPolicy.Decide(facts, options, now);
            if (decision.ClearAcknowledgement) Acknowledged = null;
            if (!decision.Raise) return;
            if (kind == NoticeKind.Alert) LastAlert = now;
            if (decision.SuppressedBecause is { } why) Suppressed.Add((now, why));
            else Sent.Add((now, $"{kind!.Value.ToString().ToLowerInvariant()} {entry.ToWire()}"));
        }

        public void Hours(int hours, BackupEntryStatus entry)
        {
            for (var i = 0; i < hours; i++)
            {
                Clock.Advance(TimeSpan.FromHours(1));
                Entry(entry);
            }
        }
    }

    [Fact]
    public void Every_failure_mode_alerts_once_per_failed_entry_as_the_design_document_does()
    {
        var life = new Life(EveryFailure);
        life.Hours(5, BackupEntryStatus.Missing);
        life.Hours(1, BackupEntryStatus.Success);
        Assert.Equal(["alert missing", "alert missing", "alert missing", "alert missing", "alert missing", "recovery success"], life.Sent.Select(s => s.What));
    }

    [Fact]
    public void On_change_alerts_when_failing_starts_or_changes_then_reminds_every_reminder_hours()
    {
        var life = new Life(OnChange);
        life.Hours(50, BackupEntryStatus.Missing);   // hours 1..50
        life.Hours(3, BackupEntryStatus.Failed);     // 51..53: a new failure status alerts at once
        life.Hours(24, BackupEntryStatus.Failed);    // 54..77: reminder at 75
        life.Hours(1, BackupEntryStatus.Success);    // 78
        life.Hours(1, BackupEntryStatus.Failed);     // 79
        Assert.Equal(
            [(1, "alert missing"), (25, "alert missing"), (49, "alert missing"), (51, "alert failed"), (75, "alert failed"), (78, "recovery success"), (79, "alert failed")],
            life.Sent.Select(s => ((int)(s.At - Now).TotalHours, s.What)));
    }

    [Fact]
    public void On_change_with_no_reminders_alerts_only_on_changes()
    {
        var life = new Life(OnChange with { ReminderHours = 0 });
        life.Hours(100, BackupEntryStatus.Missing);
        life.Hours(1, BackupEntryStatus.HashMismatch);
        Assert.Equal(["alert missing", "alert hash_mismatch"], life.Sent.Select(s => s.What));
    }

    [Fact]
    public void An_acknowledged_job_is_quiet_until_it_recovers_then_alerts_again()
    {
        var life = new Life(OnChange);
        life.Hours(1, BackupEntryStatus.Failed);
        life.Acknowledged = life.Clock.GetUtcNow().UtcDateTime;
        life.Hours(60, BackupEntryStatus.Failed);        // reminders at 25 and 49: suppressed
        life.Hours(1, BackupEntryStatus.Missing);        // a change, still acknowledged: suppressed
        Assert.Equal(3, life.Suppressed.Count);
        Assert.All(life.Suppressed, s => Assert.StartsWith("suppressed: job acknowledged at", s.Why));
        life.Hours(1, BackupEntryStatus.Success);
        Assert.Null(life.Acknowledged);
        life.Hours(1, BackupEntryStatus.Failed);
        Assert.Equal(["alert failed", "recovery success", "alert failed"], life.Sent.Select(s => s.What));
    }

    [Fact]
    public void Unacknowledging_brings_the_alerts_back()
    {
        var life = new Life(EveryFailure);
        life.Hours(1, BackupEntryStatus.Failed);
        life.Acknowledged = life.Clock.GetUtcNow().UtcDateTime;
        life.Hours(2, BackupEntryStatus.Failed);
        life.Acknowledged = null;
        life.Hours(1, BackupEntryStatus.Failed);
        Assert.Equal(2, life.Sent.Count);
        Assert.Equal(2, life.Suppressed.Count);
    }

    [Fact]
    public void A_window_suppresses_alerts_only_while_it_is_open_and_names_itself()
    {
        var life = new Life(EveryFailure);
        life.Windows.Add(new MaintenanceWindow { Id = 3, Reason = "SAN swap", FromUtc = Now.AddHours(2), UntilUtc = Now.AddHours(4), Database = "st*" });
        life.Hours(5, BackupEntryStatus.Missing);   // hours 1..5: 2 and 3 inside [2, 4)
        Assert.Equal([1, 4, 5], life.Sent.Select(s => (int)(s.At - Now).TotalHours));
        Assert.Equal([(2, "suppressed: maintenance window 3 (SAN swap)"), (3, "suppressed: maintenance window 3 (SAN swap)")],
            life.Suppressed.Select(s => ((int)(s.At - Now).TotalHours, s.Why)));
    }

    [Fact]
    public void A_window_never_suppresses_a_recovery()
    {
        var life = new Life(EveryFailure);
        life.Windows.Add(new MaintenanceWindow { Id = 1, FromUtc = Now, UntilUtc = Now.AddDays(1) });
        life.Hours(1, BackupEntryStatus.Failed);
        life.Hours(1, BackupEntryStatus.Success);
        Assert.Equal(["recovery success"], life.Sent.Select(s => s.What));
    }

    [Fact]
    public void A_window_whose_matchers_do_not_hold_suppresses_nothing()
    {
        var life = new Life(EveryFailure);
        life.Windows.Add(new MaintenanceWindow { Id = 1, City = "Paris", FromUtc = Now, UntilUtc = Now.AddDays(1) });
        life.Hours(2, BackupEntryStatus.Failed);
        Assert.Equal(2, life.Sent.Count);
    }

    [Theory]
    [InlineData(0, 50, false)]     // 0: never
    [InlineData(10, 10, false)]    // more than the threshold, not as many
    [InlineData(10, 11, true)]
    [InlineData(1, 2, true)]
    [InlineData(1, 1, false)]
    public void Digest_only_above_the_threshold(int threshold, int alerts, bool digest)
    {
        var pending = Enumerable.Range(1, alerts).Select(i => new PendingDelivery(i, NoticeKind.Alert)).ToList();
        var batches = AlertPolicy.Batches(pending, threshold);
        if (digest) Assert.Equal(new DeliveryBatch(NoticeKind.Alert, [.. pending.Select(p => p.Id)], true), Assert.Single(batches), BatchComparer.Instance);
        else Assert.Equal(pending.Select(p => p.Id), batches.Select(b => Assert.Single(b.DeliveryIds)));
    }

    [Fact]
    public void Digests_are_per_kind_and_every_delivery_is_in_exactly_one_batch()
    {
        var kinds = Enum.GetValues<NoticeKind>();
        for (var alerts = 0; alerts < 6; alerts++)
            for (var recoveries = 0; recoveries < 6; recoveries++)
            {
                var pending = Enumerable.Range(0, alerts).Select(_ => NoticeKind.Alert).Concat(Enumerable.Range(0, recoveries).Select(_ => NoticeKind.Recovery))
                    .Concat(kinds.Where(k => !AlertPolicy.IsDigestible(k)))
                    .OrderBy(k => (k.GetHashCode() * 31 + alerts) % 7).Select((k, i) => new PendingDelivery(i + 1, k)).ToList();
                var batches = AlertPolicy.Batches(pending, 3);
                Assert.Equal(pending.Select(p => p.Id).Order(), batches.SelectMany(b => b.DeliveryIds).Order());
                foreach (var batch in batches)
                {
                    Assert.All(batch.DeliveryIds, id => Assert.Equal(batch.Kind, pending.Single(p => p.Id == id).Kind));
                    Assert.Equal(batch.IsDigest, batch.DeliveryIds.Count > 1);
                }
                Assert.Equal(alerts > 3, batches.Any(b => b.IsDigest && b.Kind == NoticeKind.Alert));
                Assert.Equal(recoveries > 3, batches.Any(b => b.IsDigest && b.Kind == NoticeKind.Recovery));
            }
    }

    private sealed class BatchComparer : IEqualityComparer<DeliveryBatch>
    {
        public static readonly BatchComparer Instance = new();
        public bool Equals(DeliveryBatch? x, DeliveryBatch? y) => x!.Kind == y!.Kind && x.IsDigest == y.IsDigest && x.DeliveryIds.SequenceEqual(y.DeliveryIds);
        public int GetHashCode(DeliveryBatch obj) => obj.Kind.GetHashCode();
    }
}
