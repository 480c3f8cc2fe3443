using BackupMonitor.Decisions;

namespace BackupMonitor.Tests.Decisions;

/// <summary>Pure cycle arithmetic (SPEC §5): which cycle a line belongs to, and which deadlines have passed.</summary>
public class CyclesTests
{
    private static DateTime Utc(int day, int hour, int minute) => new(2026, 11, day, hour, minute, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(23, 2, 0, 23)]   // on time
    [InlineData(22, 14, 0, 23)]  // T − 12 h belongs to T
    [InlineData(22, 13, 59, 22)] // just before T − 12 h: the previous cycle
    [InlineData(23, 13, 59, 23)] // just before T + 12 h
    [InlineData(23, 14, 0, 24)]  // T + 12 h: the next cycle
    public void A_line_belongs_to_the_cycle_whose_expected_time_is_nearest(int day, int hour, int minute, int cycleDay)
    {
        Assert.Equal(Utc(cycleDay, 2, 0), Cycles.CycleOf(Utc(day, hour, minute), 2, 0));
    }

    [Fact]
    public void A_line_just_after_midnight_belongs_to_the_late_evening_cycle_before()
    {
        Assert.Equal(Utc(22, 23, 30), Cycles.CycleOf(Utc(23, 0, 20), 23, 30));
    }

    [Fact]
    public void No_cycle_is_due_before_its_deadline()
    {
        Assert.Empty(Cycles.DueCycles(2, 0, 60, Utc(22, 12, 0), Utc(23, 2, 59)));
    }

    [Fact]
    public void A_cycle_is_due_from_its_deadline_on()
    {
        Assert.Equal([Utc(23, 2, 0)], Cycles.DueCycles(2, 0, 60, Utc(22, 12, 0), Utc(23, 3, 0)));
    }

    [Fact]
    public void A_cycle_whose_deadline_passed_before_the_job_existed_is_not_due()
    {
        Assert.Equal([Utc(23, 2, 0)], Cycles.DueCycles(2, 0, 60, Utc(22, 3, 0), Utc(23, 3, 0)));
    }

    [Fact]
    public void A_late_evening_cycle_is_due_after_midnight()
    {
        Assert.Empty(Cycles.DueCycles(23, 30, 60, Utc(22, 12, 0), Utc(23, 0, 29)));
        Assert.Equal([Utc(22, 23, 30)], Cycles.DueCycles(23, 30, 60, Utc(22, 12, 0), Utc(23, 0, 30)));
    }

    [Fact]
    public void Due_cycles_are_listed_oldest_first_and_no_further_back_than_the_lookback()
    {
        var due = Cycles.DueCycles(2, 0, 0, Utc(1, 0, 0), Utc(23, 2, 0)).ToList();

        Assert.Equal(Cycles.MissingLookback.Days, due.Count);
        Assert.Equal(Utc(23, 2, 0), due[^1]);
        Assert.Equal(due.Order(), due);
        Assert.All(due, c => Assert.True(c > Utc(23, 2, 0) - Cycles.MissingLookback));
    }
}
