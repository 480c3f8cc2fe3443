using System.Globalization;

namespace BackupMonitor.Decisions;

/// <summary>
/// A calendar month in REPORT_TIME_ZONE (SPEC §12): its span in UTC, and when its report is due — at REPORT_HOUR on
/// the first day after every cycle of the month passed its deadline (the 1st, or later with long graces).
/// </summary>
public readonly record struct ReportMonth(int Year, int Month)
{
    public override string ToString() => $"{Year:0000}-{Month:00}";

    /// <summary>`YYYY-MM`; null with the reason when it is not one.</summary>
    public static (ReportMonth? Month, string? Problem) Parse(string? text)
    {
        if (text is not null && DateTime.TryParseExact(text.Trim(), "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            && d.Year is >= 2000 and < 2100)
            return (new ReportMonth(d.Year, d.Month), null);
        return (null, $"month: expected YYYY-MM (e.g. 2026-11), got '{text}'");
    }

    public ReportMonth Next => Month == 12 ? new(Year + 1, 1) : new(Year, Month + 1);
    public ReportMonth Previous => Month == 1 ? new(Year - 1, 12) : new(Year, Month - 1);
    public int DaysInMonth => DateTime.DaysInMonth(Year, Month);

    /// <summary>The month holding <paramref name="utc"/> on the zone's clock.</summary>
    public static ReportMonth Of(DateTime utc, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        return new(local.Year, local.Month);
    }

    /// <summary>[first midnight of the month, first midnight of the next) in UTC.</summary>
    public (DateTime FromUtc, DateTime ToUtc) Span(TimeZoneInfo zone) =>
        (LocalToUtc(new DateTime(Year, Month, 1), zone), LocalToUtc(new DateTime(Next.Year, Next.Month, 1), zone));

    /// <summary>The local day (in <paramref name="zone"/>) a UTC time falls on.</summary>
    public static DateOnly DayOf(DateTime utc, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone));

    /// <summary>
    /// When this month's report is due: the first day from the 1st of the next month whose REPORT_HOUR comes at or
    /// after the month's end and <paramref name="latestDeadlineUtc"/> (the last deadline of its cycles).
    /// </summary>
    public DateTime DueUtc(TimeZoneInfo zone, int reportHour, DateTime? latestDeadlineUtc)
    {
        var (_, end) = Span(zone);
        var after = latestDeadlineUtc is { } d && d > end ? d : end;
        for (var day = new DateTime(Next.Year, Next.Month, 1); ; day = day.AddDays(1))
        {
            var at = LocalToUtc(day.AddHours(reportHour), zone);
            if (at >= after) return at;
        }
    }

    /// <summary>A wall-clock time in the zone as UTC; a time skipped by a daylight-saving change moves forward by the change.</summary>
    public static DateTime LocalToUtc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}
