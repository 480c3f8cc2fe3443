using System.Collections.Concurrent;
using Cronos;

namespace BackupMonitor.Domain;

/// <summary>
/// When a job's backups are expected: daily at a UTC time, or every occurrence of a 5-field cron expression in
/// an IANA time zone (following its daylight-saving changes, as Cronos does: a skipped time runs at the shifted
/// instant, a repeated time runs once). Immutable; parsed schedules are shared, so a scan over thousands of jobs
/// with the same expression steps through the calendar once.
/// </summary>
public sealed class Schedule
{
    public const string DefaultTimeZone = "UTC";

    private static readonly ConcurrentDictionary<(string Expression, string TimeZone), Schedule> Parsed = new();
    private static readonly DateTime GapReference = new(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan MaxCachedSpan = TimeSpan.FromDays(45);
    private const int MaxGapSteps = 100_000;

    private readonly CronExpression? cron;
    private readonly Lazy<TimeSpan> shortestGap;
    private volatile OccurrenceWindow? window;

    private sealed record OccurrenceWindow(DateTime From, DateTime To, DateTime[] Times);

    private Schedule(int? hourUtc, int? minuteUtc, string? expression, CronExpression? cron, TimeZoneInfo zone)
    {
        DailyHourUtc = hourUtc;
        DailyMinuteUtc = minuteUtc;
        Expression = expression;
        this.cron = cron;
        Zone = zone;
        shortestGap = new Lazy<TimeSpan>(MeasureShortestGap);
    }

    /// <summary>The hour and minute of a daily UTC schedule; null for a cron schedule.</summary>
    public int? DailyHourUtc { get; }
    public int? DailyMinuteUtc { get; }
    /// <summary>The cron expression as the user wrote it (trimmed); null for a daily UTC schedule.</summary>
    public string? Expression { get; }
    public TimeZoneInfo Zone { get; }
    public string TimeZoneId => Zone.Id;
    public bool IsDailyUtc => cron is null;

    /// <summary>The shortest time between two consecutive occurrences (measured over a year, daylight-saving changes included).</summary>
    public TimeSpan ShortestGap => shortestGap.Value;

    public static Schedule Daily(int hourUtc, int minuteUtc) => new(hourUtc, minuteUtc, null, null, TimeZoneInfo.Utc);

    /// <summary>The job's schedule: its cron expression in its zone, else daily at its UTC hour and minute.</summary>
    public static Schedule Of(ExpectedBackupJob job) => job.ScheduleExpression is { } expression
        ? Cron(expression, job.TimeZone)
        : Daily(job.ExpectedHourUtc ?? 0, job.ExpectedMinuteUtc ?? 0);

    /// <summary>
    /// The job's schedule, or null when its stored expression or zone no longer parses (a hand-edited row, a zone
    /// the system's time-zone data lost): the scan then skips that job's missed cycles instead of failing.
    /// </summary>
    public static Schedule? TryOf(ExpectedBackupJob job)
    {
        try
        {
            return Of(job);
        }
        catch (ScheduleException)
        {
            return null;
        }
    }

    /// <summary>A cron schedule; throws <see cref="ScheduleException"/> naming the field when it cannot be one.</summary>
    public static Schedule Cron(string expression, string? timeZone)
    {
        var key = (expression.Trim(), string.IsNullOrWhiteSpace(timeZone) ? DefaultTimeZone : timeZone.Trim());
        if (Parsed.TryGetValue(key, out var known)) return known;
        var (schedule, problems) = TryParse(key.Item1, key.Item2);
        if (schedule is null) throw new ScheduleException(problems);
        if (Parsed.Count > 10_000) Parsed.Clear();
        return Parsed.GetOrAdd(key, schedule);
    }

    /// <summary>What is wrong with this expression and zone, each naming its field (`schedule`, `time_zone`); empty when valid.</summary>
    public static IReadOnlyList<string> Problems(string expression, string? timeZone)
    {
        try
        {
            Cron(expression, timeZone);
            return [];
        }
        catch (ScheduleException e)
        {
            return e.Problems;
        }
    }

    /// <summary>The IANA zone with this id, or the reason it is refused.</summary>
    public static (TimeZoneInfo? Zone, string? Problem) FindZone(string? timeZone)
    {
        var id = string.IsNullOrWhiteSpace(timeZone) ? DefaultTimeZone : timeZone.Trim();
        try
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            if (!zone.HasIanaId && zone.Id != TimeZoneInfo.Utc.Id)
                return (null, $"time_zone: '{id}' is not an IANA time zone id (give one such as Europe/Paris or America/New_York)");
            return (zone, null);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return (null, $"time_zone: unknown time zone '{id}' (give an IANA id such as Europe/Paris, America/New_York or UTC)");
        }
    }

    private static (Schedule?, IReadOnlyList<string>) TryParse(string expression, string timeZone)
    {
        var problems = new List<string>();
        var (zone, zoneProblem) = FindZone(timeZone);
        if (zoneProblem is not null) problems.Add(zoneProblem);
        var cron = ParseCron(expression, problems);
        if (cron is null || zone is null) return (null, problems);
        if (cron.GetNextOccurrence(GapReference, zone) is null)
            return (null, [$"schedule: '{expression}' never fires (no date matches its day of month, month and day of week)"]);
        return (new Schedule(null, null, expression, cron, zone), []);
    }

    private static readonly string[] FieldNames = ["minute", "hour", "day-of-month", "month", "day-of-week"];
    private static readonly Dictionary<string, string> CronosFieldNames = new()
    {
        ["Minutes"] = "minute field (1st)", ["Hours"] = "hour field (2nd)", ["Days of month"] = "day-of-month field (3rd)",
        ["Months"] = "month field (4th)", ["Days of week"] = "day-of-week field (5th)",
    };

    private static CronExpression? ParseCron(string expression, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            problems.Add("schedule: empty; give a 5-field cron expression such as '0 2 * * 1-5'");
            return null;
        }
        var fields = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (!expression.StartsWith('@') && fields.Length != 5)
        {
            problems.Add($"schedule: '{expression}' has {fields.Length} field(s); a cron expression has 5: {string.Join(' ', FieldNames)}");
            return null;
        }
        try
        {
            return CronExpression.Parse(string.Join(' ', fields), CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            // Cronos says "The given cron expression has an invalid format. Hours: Value must be a number between 0 and 23 …".
            var detail = e.Message.Split("invalid format.", 2) is [_, var rest] ? rest.Trim() : e.Message;
            var where = CronosFieldNames.FirstOrDefault(f => detail.StartsWith(f.Key + ":", StringComparison.Ordinal));
            problems.Add(where.Key is null
                ? $"schedule: '{expression}' is not a valid cron expression: {detail}"
                : $"schedule: {where.Value} of '{expression}': {Lower(detail[(where.Key.Length + 1)..].Trim())}");
            return null;
        }
    }

    private static string Lower(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];

    /// <summary>The first occurrence at or after <paramref name="utc"/> (null: never again).</summary>
    public DateTime? AtOrAfter(DateTime utc)
    {
        if (cron is null)
        {
            var today = utc.Date.AddHours(DailyHourUtc!.Value).AddMinutes(DailyMinuteUtc!.Value);
            return today >= utc ? today : today.AddDays(1);
        }
        if (Cached(utc, utc) is { } w)
        {
            var i = LowerBound(w.Times, utc);
            if (i < w.Times.Length) return w.Times[i];
        }
        return cron.GetNextOccurrence(Utc(utc), Zone, inclusive: true);
    }

    /// <summary>The latest occurrence strictly between <paramref name="afterUtc"/> and <paramref name="beforeUtc"/>, if any.</summary>
    public DateTime? LatestBetween(DateTime afterUtc, DateTime beforeUtc)
    {
        if (beforeUtc <= afterUtc) return null;
        var times = Between(afterUtc, beforeUtc);
        for (var i = times.Count - 1; i >= 0; i--)
            if (times[i] > afterUtc && times[i] < beforeUtc) return times[i];
        return null;
    }

    /// <summary>Every occurrence T with <paramref name="fromUtc"/> ≤ T ≤ <paramref name="toUtc"/>, oldest first.</summary>
    public IReadOnlyList<DateTime> Between(DateTime fromUtc, DateTime toUtc)
    {
        if (toUtc < fromUtc) return [];
        if (cron is null)
        {
            var list = new List<DateTime>();
            for (var t = AtOrAfter(fromUtc)!.Value; t <= toUtc; t = t.AddDays(1)) list.Add(t);
            return list;
        }
        var w = Cached(fromUtc, toUtc);
        if (w is null && toUtc - fromUtc <= MaxCachedSpan)
        {
            var old = window;
            var (from, to) = old is not null && Max(toUtc, old.To) - Min(fromUtc, old.From) <= MaxCachedSpan
                ? (Min(fromUtc, old.From), Max(toUtc, old.To))
                : (fromUtc, toUtc);
            from -= TimeSpan.FromDays(1);
            to += TimeSpan.FromDays(1);
            w = window = new OccurrenceWindow(from, to, cron.GetOccurrences(Utc(from), Utc(to), Zone, true, true).ToArray());
        }
        if (w is null) return cron.GetOccurrences(Utc(fromUtc), Utc(toUtc), Zone, true, true).ToList();
        var start = LowerBound(w.Times, fromUtc);
        var end = LowerBound(w.Times, toUtc.AddTicks(1));
        return new ArraySegment<DateTime>(w.Times, start, end - start);
    }

    /// <summary>The time <paramref name="utc"/> shows on the job's clock.</summary>
    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(Utc(utc), Zone);

    private OccurrenceWindow? Cached(DateTime fromUtc, DateTime toUtc) =>
        window is { } w && w.From <= fromUtc && toUtc <= w.To ? w : null;

    private TimeSpan MeasureShortestGap()
    {
        if (cron is null) return TimeSpan.FromDays(1);
        var shortest = TimeSpan.MaxValue;
        var end = GapReference.AddDays(366);
        var previous = cron.GetNextOccurrence(GapReference, Zone, inclusive: true);
        for (var step = 0; previous is { } p && step < MaxGapSteps; step++)
        {
            var next = cron.GetNextOccurrence(p, Zone);
            if (next is null || (next > end && shortest != TimeSpan.MaxValue)) break;
            if (next.Value - p < shortest) shortest = next.Value - p;
            if (shortest <= TimeSpan.FromMinutes(1)) break;
            previous = next;
        }
        return shortest == TimeSpan.MaxValue ? TimeSpan.FromDays(366) : shortest;
    }

    private static int LowerBound(DateTime[] times, DateTime value)
    {
        int lo = 0, hi = times.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (times[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static DateTime Utc(DateTime t) => t.Kind == DateTimeKind.Utc ? t : DateTime.SpecifyKind(t, DateTimeKind.Utc);
    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}

/// <summary>A schedule that cannot be one; each problem names its field (`schedule`, `time_zone`).</summary>
public sealed class ScheduleException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
