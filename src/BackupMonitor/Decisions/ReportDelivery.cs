using System.Security.Cryptography;
using System.Text;

namespace BackupMonitor.Decisions;

/// <summary>Where a month's report stands at a moment: not due yet, to be raised now, or past its delivery month.</summary>
public enum ReportTiming { NotYet, Due, Missed }

/// <summary>
/// SPEC §12 "Monthly delivery", pure: which months `serve` looks at, when one is to be raised, and the key that makes
/// a company's report raised once across processes. A month's report falls due at REPORT_HOUR on the first day after
/// every cycle of it passed its deadline (<see cref="ReportMonth.DueUtc"/>), and is raised from then until the end of
/// the month it fell due in ("raised later that month if `serve` was down"); after that it is missed, never sent late.
/// </summary>
public static class ReportDelivery
{
    /// <summary>The widest dedupe key the notices table keeps.</summary>
    public const int MaxKeyLength = 200;

    /// <summary>
    /// The months whose report may be due at <paramref name="nowUtc"/>, oldest first: the month just ended (once
    /// REPORT_HOUR of its 1st has come) and the one before it (due this month only when graces run past a month's end
    /// by more than a month; otherwise <see cref="Timing"/> finds it missed, or raised before).
    /// </summary>
    public static IReadOnlyList<ReportMonth> Candidates(DateTime nowUtc, TimeZoneInfo zone, int reportHour)
    {
        var current = ReportMonth.Of(nowUtc, zone);
        return new[] { current.Previous.Previous, current.Previous }.Where(m => nowUtc >= m.DueUtc(zone, reportHour, null)).ToList();
    }

    /// <summary>
    /// <see cref="ReportTiming.Due"/> from <paramref name="dueUtc"/> to the end of the month (in the zone) it falls in;
    /// <see cref="ReportTiming.Missed"/> after.
    /// </summary>
    public static ReportTiming Timing(DateTime dueUtc, DateTime nowUtc, TimeZoneInfo zone) =>
        nowUtc < dueUtc ? ReportTiming.NotYet
        : ReportMonth.Of(nowUtc, zone) == ReportMonth.Of(dueUtc, zone) ? ReportTiming.Due
        : ReportTiming.Missed;

    /// <summary>
    /// `report:&lt;YYYY-MM&gt;:&lt;company&gt;`, unique in `notices.dedupe_key`: a second process, or a retry, raises nothing.
    /// A company name too long for the column is replaced by its SHA-256 (two long names never share a key).
    /// </summary>
    public static string DedupeKey(string company, ReportMonth month)
    {
        var key = $"report:{month}:{company}";
        return key.Length <= MaxKeyLength ? key
            : $"report:{month}:sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(company)))}";
    }
}
