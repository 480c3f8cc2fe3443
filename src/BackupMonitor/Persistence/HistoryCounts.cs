using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Persistence;

/// <summary>One count of the summary table: a family (`entries`, `jobs`…), its labels as stored, and the count.</summary>
public sealed record HistoryCount(string Family, string Label, string Label2, long Count);

/// <summary>
/// Reads the counts the triggers of <see cref="HistoryCountsSchema"/> keep current: one small query whatever the
/// history's size, instead of counting every entry, delivery and scan record per request.
/// </summary>
public static class HistoryCounts
{
    /// <summary>Beyond this many delta rows (PostgreSQL), a read folds them into one row per label first.</summary>
    private const int CompactAbove = 512;

    public static async Task<IReadOnlyList<HistoryCount>> ReadAsync(this BackupMonitorDbContext db, CancellationToken cancellationToken)
    {
        await db.CompactAsync(cancellationToken);
        await using var command = db.Command("SELECT family, label, label2, SUM(n) FROM history_counts GROUP BY family, label, label2");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new List<HistoryCount>();
        while (await reader.ReadAsync(cancellationToken))
            counts.Add(new HistoryCount(reader.GetString(0), reader.GetString(1), reader.GetString(2), Convert.ToInt64(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture)));
        return counts;
    }

    /// <summary>
    /// PostgreSQL's triggers append a delta row per statement; this folds them (when there are many) into one row per
    /// label, in one statement: rows another transaction adds meanwhile are not seen and stay as they are, and two
    /// foldings at once each take only the rows the other did not. SQLite keeps one row per label: nothing to do.
    /// </summary>
    public static async Task CompactAsync(this BackupMonitorDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql()) return;
        await using (var count = db.Command($"SELECT COUNT(*) > {CompactAbove} FROM history_counts"))
            if (await count.ExecuteScalarAsync(cancellationToken) is not true) return;
        await using var fold = db.Command("""
            WITH folded AS (DELETE FROM history_counts RETURNING family, label, label2, n)
            INSERT INTO history_counts (family, label, label2, n)
            SELECT family, label, label2, SUM(n) FROM folded GROUP BY family, label, label2 HAVING SUM(n) <> 0
            """);
        await fold.ExecuteNonQueryAsync(cancellationToken);
    }

    public static long Get(this IReadOnlyList<HistoryCount> counts, string family, string label = "", string label2 = "") =>
        counts.FirstOrDefault(c => c.Family == family && c.Label == label && c.Label2 == label2)?.Count ?? 0;
}
