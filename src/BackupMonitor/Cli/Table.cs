using System.Text;
using BackupMonitor.Domain;

namespace BackupMonitor.Cli;

/// <summary>A plain aligned text table: readable in a terminal, in a log and on paper.</summary>
public static class Table
{
    public static void Write(TextWriter writer, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var all = rows.Select(r => r.Select(c => c ?? "").ToArray()).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        string Line(IReadOnlyList<string> cells)
        {
            var line = new StringBuilder();
            for (var i = 0; i < cells.Count; i++)
            {
                if (i > 0) line.Append("  ");
                line.Append(i == cells.Count - 1 ? cells[i] : cells[i].PadRight(widths[i]));
            }
            return line.ToString().TrimEnd();
        }
        writer.WriteLine(Line(headers));
        writer.WriteLine(Line(widths.Select(w => new string('-', w)).ToArray()));
        foreach (var row in all) writer.WriteLine(Line(row));
        if (all.Count == 0) writer.WriteLine("(none)");
    }

    public static string Time(DateTime? utc) => utc is null ? "-" : utc.Value.ToString("yyyy-MM-dd HH:mm'Z'");

    /// <summary>A job's schedule as a table cell: `02:00Z` for a daily job, else the cron expression and its zone.</summary>
    public static string ScheduleCell(ExpectedBackupJob j) => j.ScheduleExpression is { } cron
        ? $"{cron} ({j.TimeZone})"
        : $"{j.ExpectedHourUtc:00}:{j.ExpectedMinuteUtc:00}Z";
}
