using BackupMonitor.Decisions;

namespace BackupMonitor.Tests.Decisions;

/// <summary>
/// SPEC §12's monthly delivery, decided alone: when a month's report falls due (REPORT_HOUR on the first day after its
/// last deadline), which months `serve` looks at, until when a missed 1st is caught up, and the key that makes each
/// company's report once. Every hour of three months in zones east and west of UTC, against wall-clock oracles.
/// </summary>
public sealed class ReportDeliveryTests
{
    private static readonly string[] Zones = ["UTC", "Europe/Paris", "America/New_York", "Pacific/Auckland"];
    private static readonly int[] Hours = [0, 6, 23];

    private static DateTime Utc(int year, int month, int day, int hour = 0, int minute = 0) => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);
    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);
    private static DateTime Local(DateTime utc, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeFromUtc(utc, zone);

    /// <summary>Every hour from mid-February to mid-May 2026 (Europe and America change clocks in March, Auckland in April).</summary>
    private static IEnumerable<DateTime> Hourly(DateTime from, DateTime to)
    {
        for (var t = from; t < to; t = t.AddHours(1)) yield return t;
    }

    public static TheoryData<string, int> ZonesAndHours()
    {
        var data = new TheoryData<string, int>();
        foreach (var zone in Zones)
            foreach (var hour in Hours) data.Add(zone, hour);
        return data;
    }

    [Theory]
    [MemberData(nameof(ZonesAndHours))]
    public void Serve_looks_at_the_month_just_ended_from_report_hour_on_the_1st_and_always_at_the_one_before(string zoneId, int hour)
    {
        var zone = Zone(zoneId);
        foreach (var now in Hourly(Utc(2026, 2, 14), Utc(2026, 5, 16)))
        {
            var local = Local(now, zone);
            var current = new ReportMonth(local.Year, local.Month);
            // Oracle on the wall clock: the 1st's REPORT_HOUR has come when the local time is past it.
            var firstAtHour = new DateTime(local.Year, local.Month, 1, hour, 0, 0);
            var expected = local >= firstAtHour ? new[] { current.Previous.Previous, current.Previous } : [current.Previous.Previous];

            Assert.True(expected.SequenceEqual(ReportDelivery.Candidates(now, zone, hour)), $"{zoneId} {hour}h at {now:o}");
        }
    }

    [Theory]
    [MemberData(nameof(ZonesAndHours))]
    public void A_report_is_due_from_its_time_to_the_end_of_that_month_then_missed(string zoneId, int hour)
    {
        var zone = Zone(zoneId);
        var month = new ReportMonth(2026, 3);
        // Due on the 1st (no long grace), on the 2nd (a deadline after the 1st's hour), on the 30th (a grace of weeks).
        foreach (var latestDeadline in new DateTime?[] { null, month.DueUtc(zone, hour, null).AddMinutes(1), Utc(2026, 4, 29, 12) })
        {
            var due = month.DueUtc(zone, hour, latestDeadline);
            var dueMonth = ReportMonth.Of(due, zone);
            foreach (var now in Hourly(due.AddDays(-2), due.AddDays(70)))
            {
                var expected = now < due ? ReportTiming.NotYet : ReportMonth.Of(now, zone) == dueMonth ? ReportTiming.Due : ReportTiming.Missed;
                Assert.True(expected == ReportDelivery.Timing(due, now, zone), $"{zoneId} {hour}h, due {due:o}, at {now:o}: expected {expected}");
            }
            Assert.Equal(ReportTiming.Due, ReportDelivery.Timing(due, due, zone));
            Assert.Equal(ReportTiming.NotYet, ReportDelivery.Timing(due, due.AddTicks(-1), zone));
        }
    }

    [Theory]
    [MemberData(nameof(ZonesAndHours))]
    public void A_month_falls_due_at_report_hour_on_the_first_day_after_its_last_deadline(string zoneId, int hour)
    {
        var zone = Zone(zoneId);
        var month = new ReportMonth(2026, 3);
        var (_, end) = month.Span(zone);
        foreach (var latest in Hourly(end.AddDays(-3), end.AddDays(4)).Select(t => t.AddMinutes(30)).Concat(Hourly(end.AddDays(-1), end.AddDays(4))).Prepend(DateTime.MinValue))
        {
            var due = month.DueUtc(zone, hour, latest == DateTime.MinValue ? null : latest);
            // Oracle on the wall clock: the local day of the later of the month's end and the deadline, or the next
            // one when REPORT_HOUR had passed on it; never before the 1st.
            var after = Local(latest > end ? latest : end, zone);
            var day = after.TimeOfDay <= TimeSpan.FromHours(hour) ? after.Date : after.Date.AddDays(1);
            if (day < new DateTime(2026, 4, 1)) day = new DateTime(2026, 4, 1);
            Assert.True(day.AddHours(hour) == Local(due, zone), $"{zoneId} {hour}h after {latest:o}: due {Local(due, zone)}, expected {day.AddHours(hour)}");
        }
    }

    [Fact]
    public void Due_times_by_hand()
    {
        var paris = Zone("Europe/Paris");
        Assert.Equal(Utc(2026, 4, 1, 6), new ReportMonth(2026, 3).DueUtc(TimeZoneInfo.Utc, 6, null));
        Assert.Equal(Utc(2026, 4, 1, 0), new ReportMonth(2026, 3).DueUtc(TimeZoneInfo.Utc, 0, null)); // the month's end itself
        Assert.Equal(Utc(2026, 4, 1, 4), new ReportMonth(2026, 3).DueUtc(paris, 6, null));                // summer time: UTC+2
        Assert.Equal(Utc(2026, 3, 1, 5), new ReportMonth(2026, 2).DueUtc(paris, 6, null));                // winter time: UTC+1
        Assert.Equal(Utc(2026, 4, 2, 4), new ReportMonth(2026, 3).DueUtc(paris, 6, Utc(2026, 4, 1, 4, 1))); // a deadline a minute past 06:00
        Assert.Equal(Utc(2026, 1, 1, 6), new ReportMonth(2025, 12).DueUtc(TimeZoneInfo.Utc, 6, null));     // into the next year
    }

    [Fact]
    public void A_report_hour_skipped_by_daylight_saving_on_the_1st_moves_to_the_first_valid_time()
    {
        // As Paraguay in 2023: UTC-4, summer time (UTC-3) from 1 October at 00:00, so that midnight never shows on the clock.
        var rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(new DateTime(2000, 1, 1), new DateTime(2099, 12, 31), TimeSpan.FromHours(1),
            TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 0, 0, 0), 10, 1),
            TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 0, 0, 0), 3, 26));
        var zone = TimeZoneInfo.CreateCustomTimeZone("Test/Paraguay-like", TimeSpan.FromHours(-4), "Paraguay-like", "PYT", "PYST", [rule]);
        Assert.True(zone.IsInvalidTime(new DateTime(2023, 10, 1, 0, 0, 0)));

        Assert.Equal(Utc(2023, 10, 1, 4), new ReportMonth(2023, 9).DueUtc(zone, 0, null));   // 01:00 local, UTC-3
        Assert.Equal(Utc(2023, 10, 1, 5), new ReportMonth(2023, 9).DueUtc(zone, 2, null));   // 02:00 local, UTC-3
        Assert.Equal(Utc(2023, 9, 1, 4), new ReportMonth(2023, 8).DueUtc(zone, 0, null));    // an ordinary 1st, UTC-4
    }

    [Fact]
    public void The_key_names_the_month_and_the_company_and_a_name_too_long_for_the_column_is_hashed()
    {
        var march = new ReportMonth(2026, 3);
        Assert.Equal("report:2026-03:ACME", ReportDelivery.DedupeKey("ACME", march));
        Assert.Equal("report:2026-03:Initech, Inc.", ReportDelivery.DedupeKey("Initech, Inc.", march));
        Assert.NotEqual(ReportDelivery.DedupeKey("ACME", march), ReportDelivery.DedupeKey("ACME", march.Next));

        var fits = new string('a', ReportDelivery.MaxKeyLength - "report:2026-03:".Length);
        Assert.Equal("report:2026-03:" + fits, ReportDelivery.DedupeKey(fits, march));
        var (one, other) = (new string('b', 200) + "1", new string('b', 200) + "2");
        var (oneKey, otherKey) = (ReportDelivery.DedupeKey(one, march), ReportDelivery.DedupeKey(other, march));
        Assert.StartsWith("report:2026-03:sha256:", oneKey);
        Assert.NotEqual(oneKey, otherKey);
        Assert.True(oneKey.Length <= ReportDelivery.MaxKeyLength && otherKey.Length <= ReportDelivery.MaxKeyLength);
        Assert.Equal(oneKey, ReportDelivery.DedupeKey(one, march));
    }
}
