using BackupMonitor.Decisions;

namespace BackupMonitor.Tests.Decisions;

/// <summary>SPEC §5.1 size drop: below a percentage of the median of the previous 7 successes (at least 3 needed).</summary>
public class SizeDropTests
{
    [Fact]
    public void Fewer_than_three_previous_successes_never_warn()
    {
        Assert.Null(SizeDrop.Check(1, [], 50));
        Assert.Null(SizeDrop.Check(1, [1000], 50));
        Assert.Null(SizeDrop.Check(1, [1000, 1000], 50));
        Assert.NotNull(SizeDrop.Check(1, [1000, 1000, 1000], 50));
    }

    [Theory]
    [InlineData(499, true)]
    [InlineData(500, false)]   // exactly half of the median is not below it
    [InlineData(501, false)]
    [InlineData(5000, false)]  // growth is never a warning
    public void The_threshold_is_strictly_below_the_percentage_of_the_median(long size, bool warns)
    {
        Assert.Equal(warns, SizeDrop.Check(size, [1000, 900, 1100], 50) is not null);
    }

    [Fact]
    public void The_median_resists_one_outlier_and_only_the_last_seven_count()
    {
        // Median of {10, 1000, 1000, 1000, 1000} is 1000, not the mean (802).
        Assert.NotNull(SizeDrop.Check(450, [10, 1000, 1000, 1000, 1000], 50));
        // The eighth and older successes are ignored: the last seven are small, the older huge ones do not count.
        long[] history = [100, 100, 100, 100, 100, 100, 100, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000];
        Assert.Null(SizeDrop.Check(60, history, 50));
    }

    [Fact]
    public void An_even_count_takes_the_mean_of_the_two_middle_sizes()
    {
        Assert.Equal(150m, SizeDrop.Median([100, 200, 100, 200]));
        Assert.Null(SizeDrop.Check(75, [100, 200, 100, 200], 50));
        Assert.NotNull(SizeDrop.Check(74, [100, 200, 100, 200], 50));
    }

    [Fact]
    public void Zero_percent_turns_it_off_and_a_hundred_warns_on_any_shrink()
    {
        Assert.Null(SizeDrop.Check(0, [1000, 1000, 1000], 0));
        Assert.NotNull(SizeDrop.Check(999, [1000, 1000, 1000], 100));
        Assert.Null(SizeDrop.Check(1000, [1000, 1000, 1000], 100));
    }

    [Fact]
    public void The_warning_says_the_size_the_percentage_and_the_median()
    {
        Assert.Equal(
            "Taille anormalement basse : 10 octets, moins de 50 % de la médiane (1000 octets) des 3 sauvegardes réussies précédentes.",
            SizeDrop.Check(10, [1000, 1000, 1000], 50));
    }
}
