using BackupMonitor.Decisions;
using BackupMonitor.Domain;

namespace BackupMonitor.Dashboard;

/// <summary>One daily cycle of a job's history strip: its expected time and what its entries said (oldest first).</summary>
public sealed record StripCell(DateTime CycleUtc, IReadOnlyList<BackupEntryStatus> Statuses)
{
    /// <summary>The cycle's colour: its latest entry (a late success after a missed deadline shows the recovery). Null: no report.</summary>
    public BackupEntryStatus? Status => Statuses.Count == 0 ? null : Statuses[^1];
}

/// <summary>The moment an entry speaks for, with its status: what a strip is built from.</summary>
public sealed record StripEntry(int JobId, DateTime TimeUtc, int EntryId, BackupEntryStatus Status);

/// <summary>The last <see cref="Days"/> (or <c>days</c>) daily cycles of a job, one cell each, the current cycle last (pure).</summary>
public static class HistoryStrip
{
    public const int Days = 30;

    public static IReadOnlyList<StripCell> Build(ExpectedBackupJob job, IEnumerable<StripEntry> entries, DateTime nowUtc, int days = Days)
    {
        var current = Cycles.CycleOf(nowUtc, job.ExpectedHourUtc, job.ExpectedMinuteUtc);
        var first = current.AddDays(-(days - 1));
        var byCycle = entries
            .Select(e => (Cycle: Cycles.CycleOf(e.TimeUtc, job.ExpectedHourUtc, job.ExpectedMinuteUtc), Entry: e))
            .Where(e => e.Cycle >= first && e.Cycle <= current)
            .GroupBy(e => e.Cycle)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<BackupEntryStatus>)g
                .OrderBy(e => e.Entry.TimeUtc).ThenBy(e => e.Entry.EntryId).Select(e => e.Entry.Status).ToList());
        return Enumerable.Range(0, days)
            .Select(i => first.AddDays(i))
            .Select(cycle => new StripCell(cycle, byCycle.GetValueOrDefault(cycle) ?? []))
            .ToList();
    }

    /// <summary>The earliest entry time any strip drawn at <paramref name="nowUtc"/> can show.</summary>
    public static DateTime Since(DateTime nowUtc, int days = Days) => nowUtc.Date.AddDays(-(days + 1));
}
