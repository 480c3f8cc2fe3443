using BackupMonitor.Decisions;
using BackupMonitor.MonthlyReports;

namespace BackupMonitor.Tests.Decisions;

/// <summary>
/// Small months, exhaustively: every schedule kind × maintenance × active periods × month (daylight-saving ones
/// included) × report zone × moment, checked against an oracle that lists the cycles from wall-clock times alone
/// (a skipped time at the end of the gap, a repeated time at its first instant) and decides each one by hand.
/// </summary>
public sealed class ComplianceMonthTests
{
    private const int Grace = 60;

    /// <summary>A schedule kind: the job's settings and, independently, its wall-clock times on a local date.</summary>
    public sealed record Kind(string Name, string? Expression, string Zone, Func<DateOnly, TimeOnly[]> Times);

    private static readonly Kind[] Kinds =
    [
        new("daily 02:00Z", null, "UTC", _ => [new(2, 0)]),
        new("weekdays Paris", "0 2 * * 1-5", "Europe/Paris", d => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? [] : [new(2, 0)]),
        new("every 4 h", "0 */4 * * *", "UTC", _ => [new(0, 0), new(4, 0), new(8, 0), new(12, 0), new(16, 0), new(20, 0)]),
        new("02:30 New York", "30 2 * * *", "America/New_York", _ => [new(2, 30)]),
        new("monthly Paris", "0 3 1 * *", "Europe/Paris", d => d.Day == 1 ? [new(3, 0)] : []),
        new("twice Tokyo", "15 6,18 * * *", "Asia/Tokyo", _ => [new(6, 15), new(18, 15)]),
        new("Sundays 02:30 Paris", "30 2 * * 0", "Europe/Paris", d => d.DayOfWeek == DayOfWeek.Sunday ? [new(2, 30)] : []),
    ];

    private static readonly string[] Maintenance = ["none", "one-off 10th–13th", "removed on the 11th", "added after the month"];
    private static readonly string[] Activity = ["always", "registered on the 15th", "off from the 8th to the 20th"];
    private static readonly (int Year, int Month)[] Months = [(2026, 2), (2026, 3), (2026, 10), (2026, 11)];
    private static readonly string[] ReportZones = ["UTC", "Europe/Paris"];
    private static readonly string[] Moments = ["after the month", "on the 20th"];

    public static IEnumerable<object[]> Cases() =>
        from kind in Kinds.Select(k => k.Name)
        from maintenance in Maintenance
        from activity in Activity
        from month in Months.Select(m => $"{m.Year}-{m.Month:00}")
        from zone in ReportZones
        from moment in Moments
        select new object[] { kind, maintenance, activity, month, zone, moment };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_month_counts_what_the_oracle_counts(string kindName, string maintenance, string activity, string monthText, string reportZone, string moment)
    {
        var kind = Kinds.Single(k => k.Name == kindName);
        var month = ReportMonth.Parse(monthText).Month!.Value;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(reportZone);
        var (from, to) = month.Span(zone);
        DateTime Day(int day, int hour = 0) => new(month.Year, month.Month, day, hour, 0, 0, DateTimeKind.Utc);
        var now = moment == "on the 20th" ? Day(20, 12) : to.AddDays(3);

        var job = new ExpectedBackupJob
        {
            Id = 7, CompanyName = "ACME", City = "Paris", Neighborhood = "Centre", DatabaseName = "sales", AgentIdResponsible = "ACME_Paris_Centre",
            ExpectedHourUtc = kind.Expression is null ? 2 : null, ExpectedMinuteUtc = kind.Expression is null ? 0 : null,
            ScheduleExpression = kind.Expression, TimeZone = kind.Zone, CreatedAtUtc = from.AddYears(-1), IsActive = true,
        };
        (DateTime From, DateTime? Until)[] spans = activity switch
        {
            "always" => [(from.AddYears(-1), null)],
            "registered on the 15th" => [(Day(15, 12), null)],
            _ => [(from.AddYears(-1), Day(8)), (Day(20, 6), null)],
        };
        var periods = spans.Select(s => new JobActivePeriod
        {
            ExpectedJobId = job.Id, FromUtc = s.From, UntilUtc = s.Until, ExpectedHourUtc = job.ExpectedHourUtc, ExpectedMinuteUtc = job.ExpectedMinuteUtc,
            ScheduleExpression = job.ScheduleExpression, TimeZone = job.TimeZone,
        }).ToList();
        MaintenanceWindow? window = maintenance switch
        {
            "none" => null,
            "one-off 10th–13th" => new() { Id = 1, Company = "ACME", FromUtc = Day(10), UntilUtc = Day(13), CreatedAtUtc = from.AddDays(-1) },
            "removed on the 11th" => new() { Id = 1, FromUtc = Day(10), UntilUtc = Day(13), CreatedAtUtc = from.AddDays(-1), RemovedAtUtc = Day(11, 12) },
            _ => new() { Id = 1, Company = "ACME", FromUtc = Day(10), UntilUtc = Day(13), CreatedAtUtc = to.AddDays(1) },
        };

        // The oracle's cycles around the month, each given an entry by its index: success with content checked, success,
        // failed, a missing entry, nothing.
        var all = OracleCycles(kind, DateOnly.FromDateTime(from).AddDays(-3), DateOnly.FromDateTime(to).AddDays(3));
        var entries = new List<CycleEntry>();
        for (var i = 0; i < all.Count; i++)
        {
            var t = all[i];
            switch (i % 5)
            {
                case 0: entries.Add(new(t.AddMinutes(10), 2 * i, BackupEntryStatus.Success, ContentCheck.Passed)); break;
                case 1: entries.Add(new(t.AddMinutes(20), 2 * i, BackupEntryStatus.Success, ContentCheck.Skipped)); break;
                case 2: entries.Add(new(t.AddMinutes(5), 2 * i, BackupEntryStatus.Failed)); break;
                case 3: entries.Add(new(t, 2 * i, BackupEntryStatus.Missing)); break;
            }
        }
        var facts = new ComplianceFacts(job, Compliance.PeriodsOf(job, periods, Grace), entries, ComplianceFacts.NoDrills);
        var report = MonthlyReport.Build(month, zone, [facts], window is null ? [] : [window], now);

        var expected = all.Select((t, i) => (T: t, I: i))
            .Where(c => c.T >= from && c.T < to && c.T.AddMinutes(Grace) <= now && spans.Any(s => s.From <= c.T && (s.Until is null || c.T < s.Until)))
            .ToList();
        bool Excluded(DateTime t) => window is not null && window.FromUtc <= t && t < (window.RemovedAtUtc ?? window.UntilUtc) && window.CreatedAtUtc <= t.AddMinutes(Grace);
        var oracle = new ComplianceCounts(
            Expected: expected.Count,
            Excluded: expected.Count(c => Excluded(c.T)),
            Success: expected.Count(c => !Excluded(c.T) && c.I % 5 is 0 or 1),
            ContentPassed: expected.Count(c => !Excluded(c.T) && c.I % 5 == 0),
            Drilled: 0,
            Missing: expected.Count(c => !Excluded(c.T) && c.I % 5 is 3 or 4),
            Failed: expected.Count(c => !Excluded(c.T) && c.I % 5 == 2));

        var company = Assert.Single(report.Companies);
        var jobReport = Assert.Single(company.Jobs);
        Assert.Equal(expected.Select(c => c.T), jobReport.Cycles.Select(c => c.CycleUtc));
        Assert.Equal(oracle, jobReport.Counts);
        Assert.Equal(oracle, company.Counts);
        Assert.Equal(Compliance.Percent(oracle.Success, oracle.Expected - oracle.Excluded), company.Counts.Percent);
    }

    /// <summary>Every cycle from the wall-clock times: a time the clocks skip runs when they land, a repeated one at its first instant.</summary>
    private static List<DateTime> OracleCycles(Kind kind, DateOnly first, DateOnly last)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(kind.Zone);
        var cycles = new List<DateTime>();
        for (var day = first; day <= last; day = day.AddDays(1))
            foreach (var time in kind.Times(day))
            {
                var local = day.ToDateTime(time);
                while (zone.IsInvalidTime(local)) local = local.AddMinutes(1);
                cycles.Add(zone.IsAmbiguousTime(local)
                    ? DateTime.SpecifyKind(local - zone.GetAmbiguousTimeOffsets(local).Max(), DateTimeKind.Utc)
                    : TimeZoneInfo.ConvertTimeToUtc(local, zone));
            }
        return cycles.Order().ToList();
    }

    [Fact]
    public void The_months_asked_include_daylight_saving_changes_of_every_schedule_zone()
    {
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        Assert.True(paris.IsInvalidTime(new DateTime(2026, 3, 29, 2, 30, 0)));
        Assert.True(paris.IsAmbiguousTime(new DateTime(2026, 10, 25, 2, 30, 0)));
        Assert.True(newYork.IsInvalidTime(new DateTime(2026, 3, 8, 2, 30, 0)));
        Assert.True(newYork.IsAmbiguousTime(new DateTime(2026, 11, 1, 1, 30, 0)));
    }
}
