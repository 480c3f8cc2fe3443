using BackupMonitor.Decisions;

namespace BackupMonitor.Tests.Drills;

/// <summary>The pure parts of drills: which method (SPEC §13's table), which jobs are due, what a finished drill raises.</summary>
public sealed class DrillDecisionTests
{
    [Theory]
    [InlineData(DrillContent.PgDumpCustom, true, DrillMethod.PgRestore)]
    [InlineData(DrillContent.PostgresSql, true, DrillMethod.Psql)]
    [InlineData(DrillContent.Sqlite, false, DrillMethod.SqliteIntegrity)]
    [InlineData(DrillContent.Tar, false, DrillMethod.ReadTar)]
    [InlineData(DrillContent.Zip, false, DrillMethod.ReadZip)]
    [InlineData(DrillContent.PostgresClusterSql, true, DrillMethod.Skip)]
    [InlineData(DrillContent.MysqlSql, true, DrillMethod.Skip)]
    [InlineData(DrillContent.Compressed, true, DrillMethod.Skip)]
    [InlineData(DrillContent.Unknown, true, DrillMethod.Skip)]
    public void Each_content_has_its_method(DrillContent content, bool server, DrillMethod method)
    {
        var choice = DrillPlan.Choose(new DrillFacts(content, "x", server));

        Assert.Equal(method, choice.Method);
        Assert.Equal(method == DrillMethod.Skip, choice.SkipReason is not null);
        Assert.False(choice.NeedsDrillServer);
    }

    [Theory]
    [InlineData(DrillContent.PgDumpCustom)]
    [InlineData(DrillContent.PostgresSql)]
    public void PostgreSQL_dumps_without_a_drill_server_are_skipped_and_do_not_count(DrillContent content)
    {
        var choice = DrillPlan.Choose(new DrillFacts(content, "gzip+postgresql_sql", HasDrillServer: false));

        Assert.Equal((DrillMethod.Skip, true), (choice.Method, choice.NeedsDrillServer));
        Assert.Contains("DRILL_POSTGRES_CONNECTION_STRING", choice.SkipReason);
    }

    [Theory]
    [InlineData(15, 1, 14, DrillMethod.PgRestore)]
    [InlineData(15, 1, 15, DrillMethod.Skip)]
    [InlineData(16, 1, 15, DrillMethod.PgRestore)]
    [InlineData(16, 1, 16, DrillMethod.Skip)]
    [InlineData(17, 1, 16, DrillMethod.PgRestore)]
    [InlineData(11, 1, 14, DrillMethod.Skip)]
    public void An_archive_newer_than_the_drill_servers_pg_restore_is_skipped_naming_both_versions(int tool, int major, int minor, DrillMethod method)
    {
        var choice = DrillPlan.Choose(new DrillFacts(DrillContent.PgDumpCustom, "pg_dump_custom", true, new Version(tool, 2), new Version(major, minor, 0)));

        Assert.Equal(method, choice.Method);
        if (method == DrillMethod.Skip) Assert.Contains($"archive version {major}.{minor}.0", choice.SkipReason);
        if (method == DrillMethod.Skip) Assert.Contains($"pg_restore {tool}.2", choice.SkipReason);
    }

    [Fact]
    public void Due_jobs_are_those_not_drilled_within_the_interval_never_drilled_first_then_oldest()
    {
        var now = new DateTime(2026, 12, 5, 6, 0, 0, DateTimeKind.Utc);
        var candidates = new[]
        {
            new DrillCandidate(1, 10, now.AddDays(-8)),
            new DrillCandidate(2, 20, now.AddDays(-1)),
            new DrillCandidate(3, 30, null),
            new DrillCandidate(4, 40, now.AddDays(-30)),
            new DrillCandidate(5, 50, now.AddDays(-7)),
        };

        var due = DrillSchedule.Due(candidates, TimeSpan.FromDays(7), now);

        Assert.Equal([3, 4, 1, 5], due.Select(c => c.JobId));
    }

    [Theory]
    [InlineData(DrillStatus.Failed, null, true, false)]
    [InlineData(DrillStatus.Failed, DrillStatus.Failed, true, false)]
    [InlineData(DrillStatus.Passed, DrillStatus.Failed, false, true)]
    [InlineData(DrillStatus.Passed, DrillStatus.Passed, false, false)]
    [InlineData(DrillStatus.Passed, null, false, false)]
    [InlineData(DrillStatus.Skipped, DrillStatus.Failed, false, false)]
    public void A_failed_drill_alerts_and_the_next_passed_one_recovers(DrillStatus status, DrillStatus? previous, bool alert, bool recovery)
    {
        var notices = DrillSchedule.Notices(new DrillNoticeFacts(status, previous, 10, 10, 50, NotifyOnRecovery: true));

        Assert.Equal((alert, recovery, false), (notices.Alert, notices.Recovery, notices.RowDrop));
    }

    [Theory]
    [InlineData(49L, 100L, 50, true)]
    [InlineData(50L, 100L, 50, false)]
    [InlineData(0L, 100L, 50, true)]
    [InlineData(10L, 100L, 0, false)]
    [InlineData(10L, null, 50, false)]
    [InlineData(10L, 0L, 50, false)]
    public void Rows_below_size_drop_percent_of_the_previous_passed_drill_are_a_drop(long rows, long? previous, int percent, bool drop)
    {
        Assert.Equal(drop, DrillSchedule.IsRowDrop(rows, previous, percent));
        Assert.Equal(drop, DrillSchedule.Notices(new DrillNoticeFacts(DrillStatus.Passed, DrillStatus.Passed, rows, previous, percent, true)).RowDrop);
    }

    [Theory]
    [InlineData("every_failure", DrillStatus.Failed, 1, true)]
    [InlineData("on_change", null, null, true)]
    [InlineData("on_change", DrillStatus.Passed, 1, true)]
    [InlineData("on_change", DrillStatus.Failed, 1, false)]
    [InlineData("on_change", DrillStatus.Failed, 24, true)]
    [InlineData("on_change", DrillStatus.Failed, null, true)]
    public void With_on_change_a_failed_drill_after_a_failed_drill_only_reminds(string mode, DrillStatus? previous, int? hoursSinceLastAlert, bool raised)
    {
        var now = new DateTime(2026, 12, 5, 6, 0, 0, DateTimeKind.Utc);
        var alerts = new BackupMonitor.Configuration.AlertOptions(mode == "on_change" ? BackupMonitor.Configuration.AlertMode.OnChange : BackupMonitor.Configuration.AlertMode.EveryFailure, 24, 10);

        Assert.Equal(raised, DrillSchedule.AlertRaised(alerts, previous, hoursSinceLastAlert is { } h ? now.AddHours(-h) : null, now));
    }
}
