using BackupMonitor.Decisions;
using BackupMonitor.MonthlyReports;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BackupMonitor.Tests.Decisions;

/// <summary>The month's sums hold whatever the schedule, periods, entries, windows and moment (FsCheck picks the facts).</summary>
public sealed class CompliancePropertyTests
{
    private static readonly (string? Expression, string Zone)[] Schedules =
    [
        (null, "UTC"), ("0 2 * * 1-5", "Europe/Paris"), ("0 */4 * * *", "Europe/Paris"), ("30 2 * * *", "America/New_York"),
        ("0 3 1,15 * *", "Europe/Paris"), ("15 6,18 * * *", "Asia/Tokyo"), ("*/30 * * * *", "UTC"), ("30 2 * * 0", "Europe/Paris"),
    ];

    private static readonly BackupEntryStatus[] Statuses = Enum.GetValues<BackupEntryStatus>();

    /// <summary>One month's facts drawn from a seed: 1–3 watched periods, 0–80 entries, 0–3 windows (one-off, recurring, removed).</summary>
    private static (ReportMonth Month, TimeZoneInfo Zone, ComplianceFacts Facts, List<MaintenanceWindow> Windows, DateTime Now) Draw(int seed)
    {
        var random = new Random(seed);
        var month = new ReportMonth(2026, random.Next(1, 13));
        var zone = TimeZoneInfo.FindSystemTimeZoneById(random.Next(2) == 0 ? "UTC" : "Europe/Paris");
        var (from, to) = month.Span(zone);
        DateTime Around() => from.AddDays(-3).AddMinutes(random.Next(0, (int)(to - from).TotalMinutes + 6 * 1440));
        var (expression, scheduleZone) = Schedules[random.Next(Schedules.Length)];
        var job = new ExpectedBackupJob
        {
            Id = 1, CompanyName = "ACME", City = "Lyon", Neighborhood = "Gare", DatabaseName = "erp", AgentIdResponsible = "ACME_Lyon_Gare",
            ExpectedHourUtc = expression is null ? random.Next(24) : null, ExpectedMinuteUtc = expression is null ? random.Next(60) : null,
            ScheduleExpression = expression, TimeZone = scheduleZone, GraceMinutes = random.Next(3) == 0 ? random.Next(0, 20) : null,
            CreatedAtUtc = from.AddYears(-1),
        };
        var bounds = Enumerable.Range(0, random.Next(1, 7)).Select(_ => Around()).Order().ToList();
        var periods = new List<JobActivePeriod>();
        for (var i = 0; i < bounds.Count; i += 2)
            periods.Add(new JobActivePeriod
            {
                ExpectedJobId = 1, FromUtc = i == 0 && random.Next(2) == 0 ? from.AddYears(-1) : bounds[i], UntilUtc = i + 1 < bounds.Count ? bounds[i + 1] : null,
                ExpectedHourUtc = job.ExpectedHourUtc, ExpectedMinuteUtc = job.ExpectedMinuteUtc, ScheduleExpression = expression, TimeZone = scheduleZone,
                GraceMinutes = job.GraceMinutes,
            });
        var entries = Enumerable.Range(0, random.Next(0, 81))
            .Select(i => new CycleEntry(Around(), i, Statuses[random.Next(Statuses.Length)], (ContentCheck)random.Next(3))).ToList();
        var drilled = entries.Where(_ => random.Next(4) == 0).Select(e => e.EntryId).ToHashSet();
        var windows = new List<MaintenanceWindow>();
        for (var i = random.Next(0, 4); i > 0; i--)
        {
            var start = Around();
            windows.Add(random.Next(2) == 0
                ? new() { Id = i, FromUtc = start, UntilUtc = start.AddHours(random.Next(1, 200)), CreatedAtUtc = Around(), RemovedAtUtc = random.Next(3) == 0 ? Around() : null }
                : new() { Id = i, ScheduleExpression = "0 22 * * 6", TimeZone = "Europe/Paris", DurationMinutes = random.Next(30, 600), CreatedAtUtc = Around() });
        }
        var now = random.Next(3) == 0 ? Around() : to.AddDays(random.Next(1, 60));
        return (month, zone, new ComplianceFacts(job, Compliance.PeriodsOf(job, periods, 60), entries, drilled), windows, now);
    }

    [Property(MaxTest = 300)]
    public Property Every_expected_cycle_counts_once_and_compliance_is_a_percentage() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var (month, zone, facts, windows, now) = Draw(seed);
            var c = MonthlyReport.Build(month, zone, [facts], windows, now).Companies.Single().Counts;
            Assert.True(c.Success + c.Missing + c.Failed + c.Excluded <= c.Expected, $"seed {seed}: {c}");
            Assert.Equal(c.Expected, c.Success + c.Missing + c.Failed + c.Excluded);
            Assert.InRange(c.ContentPassed, 0, c.Success);
            Assert.InRange(c.Drilled, 0, c.Success);
            if (c.Expected == c.Excluded) Assert.Null(c.Percent);
            else Assert.InRange(c.Percent!.Value, 0m, 100m);
        });

    [Property(MaxTest = 200)]
    public Property A_finished_month_never_changes_and_a_month_in_progress_only_grows() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var (month, zone, facts, windows, now) = Draw(seed);
            var (_, to) = month.Span(zone);
            var done = to.AddDays(1);
            var later = MonthlyReport.Build(month, zone, [facts], windows, done.AddDays(200)).Companies.Single().Counts;
            Assert.Equal(later, MonthlyReport.Build(month, zone, [facts], windows, done).Companies.Single().Counts);
            var partial = MonthlyReport.Build(month, zone, [facts], windows, now < done ? now : done).Companies.Single().Counts;
            Assert.True(partial.Expected <= later.Expected, $"seed {seed}");
        });
}
