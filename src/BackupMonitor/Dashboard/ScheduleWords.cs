using System.Globalization;
using BackupMonitor.Domain;

namespace BackupMonitor.Dashboard;

/// <summary>
/// A schedule said in words for the job page ("At 02:00 on Monday–Friday (Europe/Paris)"): the common forms of a
/// cron expression are described, anything else is shown as written. Also the few schedule texts of the pages.
/// </summary>
public sealed class ScheduleWords
{
    public static readonly ScheduleWords English = new()
    {
        Schedule = "Schedule", NextExpected = "Next expected", NoCycle = "no cycle scheduled", Cycles = "cycles",
        At = "At", EveryDay = "every day", EveryMinute = "Every minute", EveryNMinutes = n => $"Every {n} minutes",
        MinutePastEveryHour = m => $"At minute {m:00} of every hour", MinutePastEveryNHours = (m, n) => $"At minute {m:00} of every {n} hours",
        FromTo = (a, b) => $"from {a:00}:00 to {b:00}:59", And = "and", OnDay = d => $"on day {d} of the month",
        OnDayOf = (d, month) => $"on {month} {d}", In = "in", LastDay = "on the last day of the month",
        DayRange = (a, b) => $"on {a}–{b}", DayList = days => $"on {days}",
        DayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        MonthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    };

    public static readonly ScheduleWords French = new()
    {
        Schedule = "Planification", NextExpected = "Prochain cycle attendu", NoCycle = "aucun cycle prévu", Cycles = "cycles",
        At = "À", EveryDay = "tous les jours", EveryMinute = "Chaque minute", EveryNMinutes = n => $"Toutes les {n} minutes",
        MinutePastEveryHour = m => $"À la minute {m:00} de chaque heure", MinutePastEveryNHours = (m, n) => $"À la minute {m:00} toutes les {n} heures",
        FromTo = (a, b) => $"de {a:00}:00 à {b:00}:59", And = "et", OnDay = d => $"le {d} du mois",
        OnDayOf = (d, month) => $"le {d} {month}", In = "en", LastDay = "le dernier jour du mois",
        DayRange = (a, b) => $"du {a} au {b}", DayList = days => $"le {days}",
        DayNames = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        MonthNames = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
    };

    public static ScheduleWords For(string? language) =>
        language is not null && language.StartsWith("fr", StringComparison.OrdinalIgnoreCase) ? French : English;

    public required string Schedule { get; init; }
    public required string NextExpected { get; init; }
    public required string NoCycle { get; init; }
    public required string Cycles { get; init; }
    public required string At { get; init; }
    public required string EveryDay { get; init; }
    public required string EveryMinute { get; init; }
    public required Func<int, string> EveryNMinutes { get; init; }
    public required Func<int, string> MinutePastEveryHour { get; init; }
    public required Func<int, int, string> MinutePastEveryNHours { get; init; }
    public required Func<int, int, string> FromTo { get; init; }
    public required string And { get; init; }
    public required Func<int, string> OnDay { get; init; }
    public required Func<int, string, string> OnDayOf { get; init; }
    public required string In { get; init; }
    public required string LastDay { get; init; }
    public required Func<string, string, string> DayRange { get; init; }
    public required Func<string, string> DayList { get; init; }
    // Names are spelled here: the program runs with invariant globalization, where cultures know only English.
    public required IReadOnlyList<string> DayNames { get; init; }
    public required IReadOnlyList<string> MonthNames { get; init; }

    /// <summary>The job's schedule in words, its zone in brackets; the cron expression itself when no description fits.</summary>
    public string Describe(ExpectedBackupJob job)
    {
        if (job.ScheduleExpression is not { } cron) return $"{At} {job.ExpectedHourUtc:00}:{job.ExpectedMinuteUtc:00} {EveryDay} (UTC)";
        return $"{DescribeCron(cron) ?? cron} ({job.TimeZone})";
    }

    /// <summary>Null when the expression is not one of the forms described.</summary>
    public string? DescribeCron(string cron)
    {
        var f = cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 5) return null;
        var time = Times(f[0], f[1]);
        var days = Days(f[2], f[3], f[4]);
        if (time is null || days is null) return null;
        return days.Length == 0 ? (Numbers(f[0]) is [_] && Numbers(f[1]) is not null ? $"{time} {EveryDay}" : time) : $"{time} {days}";
    }

    private string? Times(string minute, string hour)
    {
        if (minute == "*" && hour == "*") return EveryMinute;
        if (minute.StartsWith("*/") && hour == "*" && int.TryParse(minute[2..], out var everyMinutes)) return EveryNMinutes(everyMinutes);
        if (Numbers(minute) is not [var m]) return null;
        if (hour == "*") return MinutePastEveryHour(m);
        if (hour.StartsWith("*/") && int.TryParse(hour[2..], out var everyHours)) return MinutePastEveryNHours(m, everyHours);
        if (hour.Split('-') is [var a, var b] && int.TryParse(a, out var from) && int.TryParse(b, out var to))
            return $"{MinutePastEveryHour(m)} {FromTo(from, to)}";
        if (Numbers(hour) is not { } hours) return null;
        return $"{At} {Join(hours.Select(h => $"{h:00}:{m:00}").ToList())}";
    }

    private string? Days(string dayOfMonth, string month, string dayOfWeek)
    {
        var parts = new List<string>();
        if (dayOfMonth == "L") parts.Add(LastDay);
        else if (dayOfMonth is not ("*" or "?"))
        {
            if (Numbers(dayOfMonth) is not [var d]) return null;
            if (month != "*" && Numbers(month) is [var only])
            {
                var week = WeekDays(dayOfWeek);
                return week is null ? null : string.Join(' ', new[] { week, OnDayOf(d, MonthName(only)) }.Where(p => p.Length > 0));
            }
            parts.Add(OnDay(d));
        }
        if (month != "*")
        {
            if (Numbers(month) is not { } months) return null;
            parts.Add($"{In} {Join(months.Select(MonthName).ToList())}");
        }
        if (WeekDays(dayOfWeek) is not { } weekDays) return null;
        if (weekDays.Length > 0) parts.Insert(0, weekDays);
        return string.Join(' ', parts);
    }

    private string? WeekDays(string field)
    {
        if (field is "*" or "?") return "";
        var names = new[] { "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT" };
        string Day(int d) => DayNames[d % 7];
        int? Parse(string s) => int.TryParse(s, out var n) && n is >= 0 and <= 7 ? n
            : Array.IndexOf(names, s.ToUpperInvariant()) is var i and >= 0 ? i : null;
        var items = field.Split(',');
        if (items is [var only] && only.Split('-') is [var a, var b] && Parse(a) is { } from && Parse(b) is { } to)
            return DayRange(Day(from), Day(to));
        var days = new List<string>();
        foreach (var item in items)
        {
            if (Parse(item) is not { } single) return null;
            days.Add(Day(single));
        }
        return DayList(Join(days));
    }

    private string MonthName(int month) => month is >= 1 and <= 12 ? MonthNames[month - 1] : month.ToString(CultureInfo.InvariantCulture);

    private string Join(IReadOnlyList<string> items) =>
        items.Count <= 1 ? string.Concat(items) : $"{string.Join(", ", items.Take(items.Count - 1))} {And} {items[^1]}";

    /// <summary>A plain list of numbers ("2", "2,14"), else null.</summary>
    private static List<int>? Numbers(string field)
    {
        var numbers = new List<int>();
        foreach (var item in field.Split(','))
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null;
            numbers.Add(n);
        }
        return numbers;
    }
}
