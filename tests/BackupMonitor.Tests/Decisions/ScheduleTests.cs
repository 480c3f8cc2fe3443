using BackupMonitor.Decisions;
using BackupMonitor.Domain;

namespace BackupMonitor.Tests.Decisions;

/// <summary>
/// Cron schedules in a time zone (SPEC §5), pure, with fixed instants for a clock: daylight-saving changes in
/// Europe/Paris and America/New_York, weekdays only, every four hours, monthly, registration mid-day.
/// </summary>
public class ScheduleTests
{
    private static DateTime Utc(int month, int day, int hour, int minute = 0, int year = 2026) => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public void Paris_spring_forward_runs_the_skipped_0230_at_the_shifted_instant_once()
    {
        var schedule = Schedule.Cron("30 2 * * *", "Europe/Paris");
        // 29 March 2026: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that day.
        Assert.Equal([Utc(3, 28, 1, 30), Utc(3, 29, 1, 0), Utc(3, 30, 0, 30)], schedule.Between(Utc(3, 28, 0), Utc(3, 31, 0)));
        Assert.Equal(Utc(3, 29, 1, 0), Cycles.CycleOf(Utc(3, 29, 1, 5), schedule));
        Assert.Equal([Utc(3, 29, 1, 0)], Cycles.DueCycles(schedule, 60, Utc(3, 28, 12), Utc(3, 29, 2, 0)));
        Assert.Empty(Cycles.DueCycles(schedule, 60, Utc(3, 28, 12), Utc(3, 29, 1, 59)));
    }

    [Fact]
    public void Paris_fall_back_runs_the_repeated_0230_once()
    {
        var schedule = Schedule.Cron("30 2 * * *", "Europe/Paris");
        // 25 October 2026: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice on the wall clock, the job once.
        Assert.Equal([Utc(10, 24, 0, 30), Utc(10, 25, 0, 30), Utc(10, 26, 1, 30)], schedule.Between(Utc(10, 24, 0), Utc(10, 27, 0)));
        Assert.Equal([Utc(10, 25, 0, 30)], Cycles.DueCycles(schedule, 60, Utc(10, 24, 12), Utc(10, 25, 2, 30)));
    }

    [Fact]
    public void New_York_spring_forward_and_fall_back_follow_the_zone()
    {
        var skipped = Schedule.Cron("30 2 * * *", "America/New_York");
        // 8 March 2026: 02:00 EST jumps to 03:00 EDT.
        Assert.Equal([Utc(3, 7, 7, 30), Utc(3, 8, 7, 0), Utc(3, 9, 6, 30)], skipped.Between(Utc(3, 7, 0), Utc(3, 10, 0)));
        var repeated = Schedule.Cron("30 1 * * *", "America/New_York");
        // 1 November 2026: 02:00 EDT goes back to 01:00 EST; 01:30 runs once, at its first (EDT) instant.
        Assert.Equal([Utc(10, 31, 5, 30), Utc(11, 1, 5, 30), Utc(11, 2, 6, 30)], repeated.Between(Utc(10, 31, 0), Utc(11, 3, 0)));
        Assert.Equal([Utc(11, 1, 5, 30), Utc(11, 2, 6, 30)], Cycles.DueCycles(repeated, 30, Utc(10, 31, 12), Utc(11, 2, 7, 0)));
    }

    [Fact]
    public void Weekdays_only_expects_nothing_over_the_weekend()
    {
        var schedule = Schedule.Cron("0 2 * * 1-5", "Europe/Paris");
        // Friday 27 November 02:00 CET = 01:00 UTC, then Monday 30 November.
        var due = Cycles.DueCycles(schedule, 60, Utc(11, 26, 12), Utc(11, 30, 2, 0)).ToList();
        Assert.Equal([Utc(11, 27, 1), Utc(11, 30, 1)], due);
        Assert.Equal(TimeSpan.FromHours(24), schedule.ShortestGap);
    }

    [Theory]
    [InlineData(28, 12, 59, 27)] // Saturday, just before half-way (36 h after Friday 01:00 UTC): Friday's
    [InlineData(28, 13, 0, 30)] // half-way belongs to the later cycle
    [InlineData(29, 12, 0, 30)] // Sunday: Monday's
    [InlineData(30, 0, 0, 30)]
    public void A_weekend_line_belongs_to_the_nearest_weekday_cycle(int day, int hour, int minute, int cycleDay)
    {
        var schedule = Schedule.Cron("0 2 * * 1-5", "Europe/Paris");
        Assert.Equal(Utc(11, cycleDay, 1), Cycles.CycleOf(Utc(11, day, hour, minute), schedule));
    }

    [Fact]
    public void Every_four_hours_has_six_cycles_a_day_and_the_registration_time_counts()
    {
        var schedule = Schedule.Cron("0 */4 * * *", "UTC");
        Assert.Equal(6, schedule.Between(Utc(11, 23, 0), Utc(11, 23, 23, 59)).Count);
        // Registered at 05:30: the 04:00 cycle's deadline (05:00) came before, so it is not missing; 08:00 is.
        Assert.Equal([Utc(11, 23, 8)], Cycles.DueCycles(schedule, 60, Utc(11, 23, 5, 30), Utc(11, 23, 12, 30)));
        Assert.Equal(Utc(11, 23, 8), Cycles.CycleOf(Utc(11, 23, 9, 59), schedule));
        Assert.Equal(Utc(11, 23, 12), Cycles.CycleOf(Utc(11, 23, 10, 0), schedule));
    }

    [Fact]
    public void Every_four_hours_in_Paris_is_three_hours_apart_on_the_spring_change()
    {
        var schedule = Schedule.Cron("0 */4 * * *", "Europe/Paris");
        Assert.Equal(TimeSpan.FromHours(3), schedule.ShortestGap);
        Assert.Equal(60, Cycles.GraceMinutes(schedule, null, 60));
        Assert.Equal(179, Cycles.GraceMinutes(schedule, null, 720));
    }

    [Fact]
    public void Monthly_cycles_are_the_first_of_each_month_and_a_line_belongs_to_the_nearest()
    {
        var schedule = Schedule.Cron("0 3 1 * *", "UTC");
        Assert.Equal(Utc(11, 1, 3), Cycles.CycleOf(Utc(11, 14, 12), schedule));
        Assert.Equal(Utc(12, 1, 3), Cycles.CycleOf(Utc(11, 20, 0), schedule));
        Assert.Equal([Utc(12, 1, 3)], Cycles.DueCycles(schedule, 60, Utc(10, 15, 0), Utc(12, 1, 4)));
        Assert.True(Cycles.OldestBelonging(schedule, Utc(12, 1, 4)) <= Utc(11, 1, 3));
    }

    [Fact]
    public void A_job_registered_mid_day_is_missing_only_for_the_cycles_whose_deadline_followed()
    {
        var schedule = Schedule.Cron("0 2,14 * * *", "Europe/Paris"); // 01:00 and 13:00 UTC in November
        Assert.Equal([Utc(11, 23, 13)], Cycles.DueCycles(schedule, 60, Utc(11, 23, 10), Utc(11, 23, 16)));
    }

    [Fact]
    public void An_every_minute_schedule_looks_back_a_bounded_number_of_cycles()
    {
        var schedule = Schedule.Cron("* * * * *", "UTC");
        var now = Utc(11, 23, 12);
        var due = Cycles.DueCycles(schedule, 0, Utc(11, 1, 0), now).ToList();
        Assert.Equal(Cycles.MaxLookbackCycles, due.Count);
        Assert.Equal(now, due[^1]);
        Assert.Equal(0, Cycles.GraceMinutes(schedule, null, 60));
    }

    [Fact]
    public void A_cron_schedule_at_a_utc_time_every_day_matches_the_daily_job_exactly()
    {
        var cron = Schedule.Cron("30 23 * * *", "UTC");
        for (var t = Utc(11, 20, 0); t < Utc(11, 24, 0); t = t.AddMinutes(7))
            Assert.Equal(Cycles.CycleOf(t, 23, 30), Cycles.CycleOf(t, cron));
        Assert.Equal(Cycles.DueCycles(23, 30, 60, Utc(11, 1, 0), Utc(11, 23, 12)), Cycles.DueCycles(cron, 60, Utc(11, 1, 0), Utc(11, 23, 12)));
    }

    [Theory]
    [InlineData("0 25 * * *", "UTC", "schedule: hour field (2nd) of '0 25 * * *': value must be a number between 0 and 23")]
    [InlineData("61 2 * * *", "UTC", "schedule: minute field (1st) of '61 2 * * *'")]
    [InlineData("0 2 * * 9", "UTC", "schedule: day-of-week field (5th)")]
    [InlineData("0 2 * *", "UTC", "schedule: '0 2 * *' has 4 field(s); a cron expression has 5")]
    [InlineData("0 2 30 2 *", "UTC", "schedule: '0 2 30 2 *' never fires")]
    [InlineData("0 2 * * *", "Europe/Pari", "time_zone: unknown time zone 'Europe/Pari'")]
    [InlineData("", "UTC", "schedule: empty")]
    public void A_bad_schedule_is_refused_naming_the_field_and_why(string cron, string zone, string problem)
    {
        var problems = Schedule.Problems(cron, zone);
        Assert.Single(problems);
        Assert.StartsWith(problem, problems[0]);
        Assert.Throws<ScheduleException>(() => Schedule.Cron(cron, zone));
    }

    [Theory]
    [InlineData("0 2 * * 1-5", "Europe/Paris")]
    [InlineData("30 2 * * *", "America/New_York")]
    [InlineData("0 */4 * * *", "Europe/Paris")]
    [InlineData("0 3 1 * *", "UTC")]
    [InlineData("*/7 1-3 * * *", "Europe/Paris")]
    public void A_line_belongs_to_the_nearest_occurrence_the_later_one_when_half_way(string cron, string zone)
    {
        var schedule = Schedule.Cron(cron, zone);
        var random = new Random(13);
        var start = Utc(1, 1, 0);
        var all = schedule.Between(start - TimeSpan.FromDays(40), start + TimeSpan.FromDays(400));
        for (var i = 0; i < 500; i++)
        {
            var t = start + TimeSpan.FromMinutes(random.Next(0, 360 * 24 * 60)) + TimeSpan.FromSeconds(random.Next(0, 60));
            var cycle = Cycles.CycleOf(t, schedule);
            var next = all.First(o => o >= t);
            var previous = all.Last(o => o < t);
            var expected = t - previous < next - t ? previous : next; // half-way: the later one
            Assert.True(cycle == expected, $"{cron} in {zone}: {t:o} belongs to {expected:o}, got {cycle:o}");
        }
    }
}
