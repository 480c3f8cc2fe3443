using BackupMonitor.Decisions;

namespace BackupMonitor.Tests.Decisions;

/// <summary>SPEC §14's safety rules: what a run never prunes, and policies parsed with errors that name the bad part.</summary>
public class RetentionSafetyTests
{
    private static readonly DateTime Now = new(2026, 12, 5, 3, 0, 0, DateTimeKind.Utc);
    private static readonly RetentionFacts Healthy = RetentionRulesTests.Healthy;

    /// <summary>Ten nightly backups (ids 1–10, 10 the newest, last night), recorded five minutes after each.</summary>
    private static List<RetainedBackup> Nights(int count = 10, params int[] held) =>
        Enumerable.Range(1, count).Select(i =>
        {
            var at = Now.Date.AddDays(i - count).AddHours(2);
            return new RetainedBackup(i, at, at.AddMinutes(5), held.Contains(i));
        }).ToList();

    private static RetentionDecisionResult Decide(string policy, RetentionFacts? facts = null, int maxPercent = 100, List<RetainedBackup>? backups = null) =>
        RetentionDecision.Decide(backups ?? Nights(), RetentionPolicy.Parse(policy), TimeZoneInfo.Utc, facts ?? Healthy, maxPercent, Now);

    private static int[] PrunedIds(RetentionDecisionResult result) => result.Pruned.Select(v => v.Backup.EntryId).Order().ToArray();

    [Fact]
    public void A_healthy_job_is_pruned_to_its_policy()
    {
        var result = Decide("daily=3");
        Assert.Null(result.LeftAsIs);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], PrunedIds(result));
        Assert.Equal(["daily #1", "newest"], result.Backups[0].Rules.Select(r => r.ToString()));
    }

    [Theory]
    [InlineData(JobStatus.Failed)]
    [InlineData(JobStatus.Missing)]
    [InlineData(JobStatus.HashMismatch)]
    [InlineData(JobStatus.TransferIntegrityFailed)]
    [InlineData(JobStatus.Corrupt)]
    [InlineData(JobStatus.Unknown)]
    public void Nothing_is_pruned_for_a_job_whose_status_is_not_ok(JobStatus status)
    {
        var result = Decide("daily=3", Healthy with { Status = status });
        Assert.Empty(result.Pruned);
        Assert.Contains($"job status is {status.ToWire()}", result.LeftAsIs);
        Assert.False(result.Refused);
        // The plan still says what the policy would keep.
        Assert.Equal(["daily #1", "newest"], result.Backups[0].Rules.Select(r => r.ToString()));
    }

    [Fact]
    public void Nothing_is_pruned_for_a_deactivated_or_acknowledged_job()
    {
        Assert.Contains("deactivated", Decide("daily=3", Healthy with { IsActive = false }).LeftAsIs);
        var acknowledged = Decide("daily=3", Healthy with { AcknowledgedAtUtc = Now.AddDays(-3) });
        Assert.Empty(acknowledged.Pruned);
        Assert.Contains("acknowledged", acknowledged.LeftAsIs);
    }

    [Fact]
    public void Nothing_is_pruned_within_a_day_of_a_recovery_and_pruning_resumes_after()
    {
        // The last failure was 3 nights ago; the first success after it (id 8) was recorded 2 days ago at 02:05.
        var facts = Healthy with { LastFailureUtc = Now.Date.AddDays(-3).AddHours(2) };
        Assert.Null(Decide("daily=3", facts).LeftAsIs);
        var backups = Nights();
        backups[9] = backups[9] with { RecordedAtUtc = Now.AddHours(-2) };
        var recent = RetentionDecision.Decide(backups, RetentionPolicy.Parse("daily=3"), TimeZoneInfo.Utc,
            Healthy with { LastFailureUtc = Now.Date.AddDays(-1).AddHours(2) }, 100, Now);
        Assert.Empty(recent.Pruned);
        Assert.Contains("recovered", recent.LeftAsIs);
    }

    [Fact]
    public void Nothing_is_pruned_for_a_job_in_a_maintenance_window_within_the_last_day()
    {
        var job = new ExpectedBackupJob { Id = 1, CompanyName = "ACME", City = "Lyon", Neighborhood = "Gare", DatabaseName = "sales", AgentIdResponsible = "ACME_Lyon_Gare" };
        var endedHoursAgo = new MaintenanceWindow { Id = 4, City = "Lyon", FromUtc = Now.AddHours(-30), UntilUtc = Now.AddHours(-20), Reason = "move" };
        var endedDaysAgo = new MaintenanceWindow { Id = 5, City = "Lyon", FromUtc = Now.AddDays(-5), UntilUtc = Now.AddDays(-4) };
        var otherCity = new MaintenanceWindow { Id = 6, City = "Paris", FromUtc = Now.AddHours(-2), UntilUtc = Now.AddHours(2) };
        var nightly = new MaintenanceWindow { Id = 7, Company = "ACME", ScheduleExpression = "0 22 * * *", DurationMinutes = 60, TimeZone = "UTC" };
        Assert.Same(endedHoursAgo, RetentionDecision.RecentMaintenance([endedDaysAgo, otherCity, endedHoursAgo], job, Now));
        Assert.Null(RetentionDecision.RecentMaintenance([endedDaysAgo, otherCity], job, Now));
        Assert.Same(nightly, RetentionDecision.RecentMaintenance([nightly], job, Now)); // 22:00–23:00 last night
        var yearly = new MaintenanceWindow { Id = 8, Company = "ACME", ScheduleExpression = "0 22 1 1 *", DurationMinutes = 60, TimeZone = "UTC" };
        Assert.Null(RetentionDecision.RecentMaintenance([yearly], job, Now)); // last on 1 January

        var result = Decide("daily=3", Healthy with { RecentMaintenance = endedHoursAgo });
        Assert.Empty(result.Pruned);
        Assert.Contains("maintenance window 4 (move)", result.LeftAsIs);
    }

    [Fact]
    public void The_newest_backup_is_kept_even_by_a_policy_that_keeps_nothing()
    {
        var result = Decide("daily=0");
        Assert.Equal(Enumerable.Range(1, 9), PrunedIds(result));
        Assert.Equal(["newest"], result.Backups[0].Rules.Select(r => r.Rule));
    }

    [Fact]
    public void The_newest_drilled_and_held_backups_are_kept_without_using_a_period_of_the_policy()
    {
        var result = RetentionDecision.Decide(Nights(10, held: 2), RetentionPolicy.Parse("daily=3"), TimeZoneInfo.Utc,
            Healthy with { NewestDrilledEntryId = 5 }, 100, Now);
        Assert.Equal([1, 3, 4, 6, 7], PrunedIds(result));
        Assert.Equal(["drilled"], result.Backups.Single(b => b.Backup.EntryId == 5).Rules.Select(r => r.Rule));
        Assert.Equal(["held"], result.Backups.Single(b => b.Backup.EntryId == 2).Rules.Select(r => r.Rule));
        // daily still keeps three days of its own: 10, 9, 8.
        Assert.Equal(["daily #3"], result.Backups.Single(b => b.Backup.EntryId == 8).Rules.Select(r => r.ToString()));
    }

    [Theory]
    [InlineData("daily=5", 50, false)] // 5 of 10: exactly the limit
    [InlineData("daily=4", 50, true)]  // 6 of 10
    [InlineData("daily=4", 60, false)]
    [InlineData("daily=9", 0, true)]   // 0 %: nothing may be pruned
    [InlineData("daily=10", 0, false)] // nothing to prune: no warning
    public void A_policy_that_would_prune_more_than_the_limit_leaves_the_job_as_it_is_and_warns(string policy, int maxPercent, bool refused)
    {
        var result = Decide(policy, maxPercent: maxPercent);
        Assert.Equal(refused, result.Refused);
        if (refused)
        {
            Assert.Empty(result.Pruned);
            Assert.Contains($"more than RETENTION_MAX_PRUNE_PERCENT ({maxPercent} %)", result.LeftAsIs);
        }
        else Assert.Null(result.LeftAsIs);
    }

    [Fact]
    public void No_policy_keeps_everything()
    {
        var result = Decide("none");
        Assert.Empty(result.Pruned);
        Assert.Contains("no retention policy", result.LeftAsIs);
    }

    // ---- policy syntax ----

    [Theory]
    [InlineData("last=3,daily=7,weekly=4,monthly=12,yearly=2", "last=3,daily=7,weekly=4,monthly=12,yearly=2")]
    [InlineData(" yearly=2 , Daily=7 ", "daily=7,yearly=2")]
    [InlineData("NONE", "none")]
    [InlineData("daily=0", "daily=0")]
    public void Policies_parse_and_are_written_back_in_rule_order(string text, string expected) =>
        Assert.Equal(expected, RetentionPolicy.Parse(text).ToString());

    [Theory]
    [InlineData("dialy=7", "'dialy=7': unknown rule 'dialy'")]
    [InlineData("daily=seven", "'daily=seven': the count of 'daily' must be a whole number")]
    [InlineData("daily=-1", "'daily=-1': the count of 'daily' must be a whole number")]
    [InlineData("daily=7,daily=3", "'daily=3': rule 'daily' is given twice")]
    [InlineData("daily", "'daily': expected RULE=COUNT")]
    [InlineData("daily=7,,weekly=4", "empty rule between two commas")]
    [InlineData("", "empty policy")]
    [InlineData("hourly=24", "unknown rule 'hourly'")]
    public void A_bad_policy_is_refused_naming_the_bad_part(string text, string problem)
    {
        var error = Assert.Throws<RetentionPolicyException>(() => RetentionPolicy.Parse(text));
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void The_jobs_own_policy_wins_over_its_companys_which_wins_over_the_default()
    {
        var fallback = RetentionPolicy.Parse("daily=30");
        Assert.Equal(("daily=3", "job"), Effective("daily=3", "weekly=2", fallback));
        Assert.Equal(("weekly=2", "company"), Effective(null, "weekly=2", fallback));
        Assert.Equal(("daily=30", "default"), Effective(null, null, fallback));
        Assert.Equal(("none", "job"), Effective("none", "weekly=2", fallback));
    }

    private static (string, string) Effective(string? job, string? company, RetentionPolicy fallback)
    {
        var (policy, source) = RetentionPolicy.Effective(job, company, fallback);
        return (policy.ToString(), source);
    }
}
