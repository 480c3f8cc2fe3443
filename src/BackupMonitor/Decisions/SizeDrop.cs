namespace BackupMonitor.Decisions;

/// <summary>
/// SPEC §5.1: a successful backup much smaller than the job's usual ones is the classic sign of a dump of an
/// emptied or wrong database. It stays a success; the warning goes in its error message and raises a notice.
/// </summary>
public static class SizeDrop
{
    /// <summary>How many previous successes the median is taken over, and how many are needed at least.</summary>
    public const int Window = 7, MinimumHistory = 3;

    /// <summary>
    /// The warning for a success of <paramref name="size"/> bytes, or null. <paramref name="previousSizes"/> are the
    /// job's earlier successes, newest first (only the first <see cref="Window"/> count); <paramref name="percent"/> 0 turns it off.
    /// </summary>
    public static string? Check(long size, IReadOnlyList<long> previousSizes, int percent)
    {
        if (percent <= 0 || previousSizes.Count < MinimumHistory) return null;
        var median = Median(previousSizes.Take(Window).ToList());
        // size < median × percent / 100, in integers: no rounding decides a borderline case.
        if ((decimal)size * 100 >= median * percent) return null;
        return $"Taille anormalement basse : {size} octets, moins de {percent} % de la médiane ({median:0.#} octets) des {Math.Min(previousSizes.Count, Window)} sauvegardes réussies précédentes.";
    }

    public static decimal Median(List<long> sizes)
    {
        sizes.Sort();
        var middle = sizes.Count / 2;
        return sizes.Count % 2 == 1 ? sizes[middle] : (sizes[middle - 1] + (decimal)sizes[middle]) / 2;
    }

}
