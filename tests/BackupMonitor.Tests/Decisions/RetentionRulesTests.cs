using BackupMonitor.Decisions;

namespace BackupMonitor.Tests.Decisions;

/// <summary>
/// SPEC §14: the policy keeps exactly what borg prune 1.2+ keeps. The first tables are borg's own
/// (src/borg/testsuite/helpers.py, test_prune_split and test_prune_split_keep_oldest, 1.2-maint); then the period
/// edges: year ends, ISO week 53, and daylight-saving days in a zone.
/// </summary>
public class RetentionRulesTests
{
    internal static readonly RetentionFacts Healthy = new(true, JobStatus.Ok, null, null, null, null);
    private static readonly DateTime Now = new(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static DateTime Utc(int y, int mo, int d, int h = 10, int mi = 0, int s = 0) => new(y, mo, d, h, mi, s, DateTimeKind.Utc);

    /// <summary>borg's 13 archives (ids 1–13).</summary>
    private static readonly DateTime[] BorgArchives =
    [
        Utc(2015, 1, 1), Utc(2016, 1, 1), Utc(2017, 1, 1),
        Utc(2017, 2, 1), Utc(2017, 3, 1),
        Utc(2017, 3, 2), Utc(2017, 3, 3), Utc(2017, 3, 4),
        Utc(2017, 10, 1, 9, 45), Utc(2017, 10, 1, 9, 55),
        Utc(2017, 10, 1, 10, 0, 1), Utc(2017, 10, 1, 10, 0, 3), Utc(2017, 10, 1, 10, 0, 5),
    ];

    /// <summary>The ids the policy alone keeps (the safety rule `newest` is left out).</summary>
    internal static int[] KeptByPolicy(IReadOnlyList<DateTime> times, string policy, string zone = "UTC")
    {
        var backups = times.Select((t, i) => new RetainedBackup(i + 1, t, t, false)).ToList();
        var result = RetentionDecision.Decide(backups, RetentionPolicy.Parse(policy), TimeZoneInfo.FindSystemTimeZoneById(zone), Healthy, 100, Now);
        return result.Backups.Where(b => b.Rules.Any(r => r.Rule is not ("newest" or "drilled" or "held"))).Select(b => b.Backup.EntryId).Order().ToArray();
    }

    private static string RuleOf(IReadOnlyList<DateTime> times, string policy, int id, string zone = "UTC")
    {
        var backups = times.Select((t, i) => new RetainedBackup(i + 1, t, t, false)).ToList();
        var result = RetentionDecision.Decide(backups, RetentionPolicy.Parse(policy), TimeZoneInfo.FindSystemTimeZoneById(zone), Healthy, 100, Now);
        return string.Join(", ", result.Backups.Single(b => b.Backup.EntryId == id).Rules);
    }

    [Theory]
    [InlineData("yearly=3", new[] { 1, 2, 13 })]
    [InlineData("monthly=3", new[] { 4, 8, 13 })]
    [InlineData("weekly=2", new[] { 8, 13 })]
    [InlineData("daily=3", new[] { 7, 8, 13 })]
    [InlineData("last=4", new[] { 10, 11, 12, 13 })]
    [InlineData("daily=0", new int[0])]
    public void Each_rule_keeps_what_borg_prune_split_keeps(string policy, int[] expected) =>
        Assert.Equal(expected, KeptByPolicy(BorgArchives, policy));

    [Fact]
    public void A_rule_that_runs_out_keeps_the_oldest_as_borg_does()
    {
        DateTime[] archives = [Utc(2018, 1, 1), Utc(2018, 12, 30), Utc(2018, 12, 31), Utc(2019, 12, 31)];
        Assert.Equal([1, 3, 4], KeptByPolicy(archives, "yearly=3"));
        Assert.Equal("yearly[oldest] #3", RuleOf(archives, "yearly=3", 1));
        Assert.Equal("yearly #1, newest", RuleOf(archives, "yearly=3", 4));
        Assert.Equal([3, 4], KeptByPolicy(archives, "yearly=2"));
    }

    [Fact]
    public void A_period_whose_newest_an_earlier_rule_kept_is_passed_over_without_counting()
    {
        // last=2 keeps 13 and 12; daily's first period (2017-10-01) is passed over, so daily=2 keeps 8 and 7.
        Assert.Equal([7, 8, 12, 13], KeptByPolicy(BorgArchives, "last=2,daily=2"));
        Assert.Equal("daily #1", RuleOf(BorgArchives, "last=2,daily=2", 8));
        Assert.Equal("last #1, newest", RuleOf(BorgArchives, "last=2,daily=2", 13));
    }

    [Fact]
    public void Rules_run_in_borg_order_whatever_order_the_policy_is_written_in() =>
        Assert.Equal(KeptByPolicy(BorgArchives, "last=1,daily=2,weekly=2,monthly=2,yearly=2"), KeptByPolicy(BorgArchives, "yearly=2,monthly=2,weekly=2,daily=2,last=1"));

    // ---- period edges ----

    [Theory]
    // Year end: 23:30 UTC on 31 December is already next year in Paris, still this year in New York.
    [InlineData("2026-12-31T23:30:00Z", "Europe/Paris", "yearly", 2027L)]
    [InlineData("2026-12-31T23:30:00Z", "UTC", "yearly", 2026L)]
    [InlineData("2027-01-01T03:00:00Z", "America/New_York", "yearly", 2026L)]
    [InlineData("2026-12-31T23:30:00Z", "Europe/Paris", "monthly", 2027L * 12 + 1)]
    // ISO week 53: 2026 has one (1 January 2026 is a Thursday); 1–3 January 2027 belong to it, 4 January starts 2027-W01.
    [InlineData("2026-12-28T12:00:00Z", "UTC", "weekly", 202653L)]
    [InlineData("2027-01-03T12:00:00Z", "UTC", "weekly", 202653L)]
    [InlineData("2027-01-04T12:00:00Z", "UTC", "weekly", 202701L)]
    [InlineData("2027-01-03T23:30:00Z", "Europe/Paris", "weekly", 202701L)]
    [InlineData("2021-01-03T12:00:00Z", "UTC", "weekly", 202053L)]
    [InlineData("2025-12-29T12:00:00Z", "UTC", "weekly", 202601L)]
    // Daylight saving in Paris: 29 March 2026 has 23 hours, 25 October 2026 has 25.
    [InlineData("2026-03-28T23:30:00Z", "Europe/Paris", "daily", 0L)]
    [InlineData("2026-03-29T21:59:00Z", "Europe/Paris", "daily", 0L)]
    [InlineData("2026-03-29T22:00:00Z", "Europe/Paris", "daily", 1L)]
    [InlineData("2026-10-24T22:00:00Z", "Europe/Paris", "daily", 210L)]
    [InlineData("2026-10-25T22:59:00Z", "Europe/Paris", "daily", 210L)]
    [InlineData("2026-10-25T23:00:00Z", "Europe/Paris", "daily", 211L)]
    public void A_backup_falls_in_the_period_of_its_operation_time_in_the_jobs_zone(string utc, string zone, string rule, long expected)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.Parse(utc, null, System.Globalization.DateTimeStyles.AdjustToUniversal), TimeZoneInfo.FindSystemTimeZoneById(zone));
        var period = RetentionDecision.Period(rule, local);
        // Daily periods are compared with 29 March 2026 (day 0), as day numbers.
        if (rule == "daily") period -= new DateTime(2026, 3, 29).Ticks / TimeSpan.TicksPerDay;
        Assert.Equal(expected, period);
    }

    [Fact]
    public void Daily_periods_follow_the_zone_on_the_night_clocks_go_forward()
    {
        DateTime[] times = [Utc(2026, 3, 28, 23, 30), Utc(2026, 3, 29, 21, 59), Utc(2026, 3, 29, 22, 30)];
        // Paris: 00:30 and 23:59 on the 29th, 00:30 on the 30th: two days, the newest of each kept.
        Assert.Equal([2, 3], KeptByPolicy(times, "daily=2", "Europe/Paris"));
        // UTC: the 28th, then the 29th twice.
        Assert.Equal([1, 3], KeptByPolicy(times, "daily=2", "UTC"));
    }

    [Fact]
    public void The_repeated_hour_of_the_night_clocks_go_back_is_one_local_second_for_last_as_in_borg()
    {
        // 00:30 and 01:30 UTC on 25 October 2026 are both 02:30:00 in Paris: borg's keep-last (keep-secondly) counts one period.
        DateTime[] times = [Utc(2026, 10, 24, 12), Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 25, 1, 30)];
        Assert.Equal([1, 3], KeptByPolicy(times, "last=2", "Europe/Paris"));
        Assert.Equal([2, 3], KeptByPolicy(times, "last=2", "UTC"));
    }

    [Fact]
    public void Weekly_keeps_the_newest_backup_of_each_iso_week_across_a_year_end_with_week_53()
    {
        // Sun 27 Dec 2026 (W52), Mon 28 Dec (W53), Sun 3 Jan 2027 (W53), Mon 4 Jan (2027-W01).
        DateTime[] times = [Utc(2026, 12, 27), Utc(2026, 12, 28), Utc(2027, 1, 3), Utc(2027, 1, 4)];
        Assert.Equal([1, 3, 4], KeptByPolicy(times, "weekly=3"));
        Assert.Equal([3, 4], KeptByPolicy(times, "weekly=2"));
    }

    [Fact]
    public void Yearly_and_monthly_cut_at_midnight_in_the_jobs_zone()
    {
        DateTime[] times = [Utc(2026, 12, 30, 12), Utc(2026, 12, 31, 22, 30), Utc(2026, 12, 31, 23, 30)];
        // Paris: the newest is in 2027 (00:30 local), the other two in 2026.
        Assert.Equal([2, 3], KeptByPolicy(times, "yearly=2", "Europe/Paris"));
        Assert.Equal([2, 3], KeptByPolicy(times, "monthly=2", "Europe/Paris"));
        // New York and UTC: one year, one month; the rule runs out and keeps the oldest.
        Assert.Equal([1, 3], KeptByPolicy(times, "yearly=2", "America/New_York"));
        Assert.Equal("yearly[oldest] #2", RuleOf(times, "yearly=2", 1, "America/New_York"));
        Assert.Equal([1, 3], KeptByPolicy(times, "monthly=2", "UTC"));
    }

    [Fact]
    public void The_readmes_worked_example_keeps_what_it_says()
    {
        // Nightly at 02:10 from 25 November to 4 December 2026 (ids 1–10), and 4 December 14:00 (id 11).
        var times = Enumerable.Range(0, 10).Select(d => Utc(2026, 11, 25, 2, 10).AddDays(d)).Append(Utc(2026, 12, 4, 14)).ToList();
        Assert.Equal([5, 7, 8, 9, 10, 11], KeptByPolicy(times, "last=2,daily=3,weekly=1"));
        Assert.Equal("last #1, newest", RuleOf(times, "last=2,daily=3,weekly=1", 11));
        Assert.Equal("daily #3", RuleOf(times, "last=2,daily=3,weekly=1", 7));
        Assert.Equal("weekly #1", RuleOf(times, "last=2,daily=3,weekly=1", 5));
    }
}
