using BackupMonitor.Decisions;
using BackupMonitor.Domain;

namespace BackupMonitor.Dashboard;

/// <summary>One cycle of a job's history strip: its expected time and what its entries said (oldest first).</summary>
public sealed record StripCell(DateTime CycleUtc, IReadOnlyList<BackupEntryStatus> Statuses)
{
    /// <summary>
    /// The cycle's colour, decided as the compliance report decides it (SPEC §12): success when any of its entries is
    /// one, else its latest entry's status. Null: no report.
    /// </summary>
    public BackupEntryStatus? Status => Statuses.Count == 0 ? null
        : Statuses.Contains(BackupEntryStatus.Success) ? BackupEntryStatus.Success : Statuses[^1];
}

/// <summary>
/// One day of a strip, on the job's clock: its cycles (one for a daily job, several for an hourly one, none on a
/// weekend of a weekdays-only job).
/// </summary>
public sealed record StripDay(DateOnly Date, IReadOnlyList<StripCell> Cycles)
{
    /// <summary>The day's colour: its one cycle's, else the latest cycle that went wrong, else success when every cycle succeeded. Null: no report.</summary>
    public BackupEntryStatus? Status => Cycles.Count == 1 ? Cycles[0].Status
        : Cycles.LastOrDefault(c => c.Status is { } s && s != BackupEntryStatus.Success)?.Status
          ?? (Cycles.Count > 0 && Cycles.All(c => c.Status is not null) ? BackupEntryStatus.Success : null);

    public bool HasCycle => Cycles.Count > 0;
}

/// <summary>The moment an entry speaks for, with its status: what a strip is built from.</summary>
public sealed record StripEntry(int JobId, DateTime TimeUtc, int EntryId, BackupEntryStatus Status);

/// <summary>The last <see cref="Days"/> (or <c>days</c>) days of a job's cycles, one day each, the current cycle's day last (pure).</summary>
public static class HistoryStrip
{
    public const int Days = 30;

    /// <summary>
    /// <paramref name="watched"/>: the job's watched periods (<see cref="Compliance.PeriodsOf"/>); a cycle outside them —
    /// before the job existed, while it was deactivated — is not expected and is drawn as a day without a cycle.
    /// Null: since the job was last (re)activated (what the scan holds it to).
    /// </summary>
    public static IReadOnlyList<StripDay> Build(ExpectedBackupJob job, IEnumerable<StripEntry> entries, DateTime nowUtc, int days = Days,
        IReadOnlyList<WatchedPeriod>? watched = null)
    {
        watched ??= [new WatchedPeriod(job.WatchedSinceUtc, null, null, 0)];
        var schedule = Schedule.TryOf(job) ?? Schedule.Daily(0, 0); // an unreadable schedule: the strip still shows the days
        var current = Cycles.CycleOf(nowUtc, schedule);
        var lastDay = DateOnly.FromDateTime(schedule.ToLocal(current));
        var firstDay = lastDay.AddDays(-(days - 1));
        var cycles = schedule.IsDailyUtc
            ? Enumerable.Range(0, days).Select(i => current.AddDays(i - (days - 1))).ToList()
            : schedule.Between(nowUtc - TimeSpan.FromDays(days + 1), current)
                .Where(c => DateOnly.FromDateTime(schedule.ToLocal(c)) >= firstDay).ToList();
        cycles = cycles.Where(c => watched.Any(p => p.Contains(c))).ToList();
        var first = cycles.Count > 0 ? cycles[0] : current;
        var byCycle = entries
            .Select(e => (Cycle: Cycles.CycleOf(e.TimeUtc, schedule), Entry: e))
            .Where(e => e.Cycle >= first && e.Cycle <= current)
            .GroupBy(e => e.Cycle)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<BackupEntryStatus>)g
                .OrderBy(e => e.Entry.TimeUtc).ThenBy(e => e.Entry.EntryId).Select(e => e.Entry.Status).ToList());
        var byDay = cycles.Select(c => new StripCell(c, byCycle.GetValueOrDefault(c) ?? []))
            .ToLookup(c => DateOnly.FromDateTime(schedule.ToLocal(c.CycleUtc)));
        return Enumerable.Range(0, days).Select(i => firstDay.AddDays(i))
            .Select(day => new StripDay(day, byDay[day].ToList()))
            .ToList();
    }

    /// <summary>The earliest entry time any strip drawn at <paramref name="nowUtc"/> can show.</summary>
    public static DateTime Since(DateTime nowUtc, int days = Days) => nowUtc.Date.AddDays(-(days + 1));
}
