using WherebyGrains.Attendance;

namespace WherebyGrains.Attendance.Tests;

public sealed class IntervalsTests
{
    [Fact]
    public void Union_merges_overlapping_and_touching_spans_and_drops_empty_ones()
    {
        var union = Intervals.Union([new(5, 10), new(0, 3), new(3, 4), new(8, 12), new(20, 20), new(15, 16)]);
        Assert.Equal([new(0, 4), new(5, 12), new(15, 16)], union);
    }

    [Fact]
    public void Union_length_is_clipped_to_the_window()
    {
        Assert.Equal(7, Intervals.UnionLength([new(0, 10), new(5, 15)], new Interval(8, 15)));
        Assert.Equal(0, Intervals.UnionLength([new(0, 10)], new Interval(10, 20)));
    }

    [Fact]
    public void Concurrency_counts_distinct_keys_and_a_leave_and_join_at_one_instant_do_not_meet()
    {
        var items = new (string, Interval)[] { ("a", new(0, 10)), ("a", new(5, 15)), ("b", new(10, 20)), ("c", new(12, 13)) };
        Assert.Equal(3, Intervals.MaxDistinctConcurrent(items, new Interval(0, 100)));
        Assert.Equal(1, Intervals.MaxDistinctConcurrent(items, new Interval(0, 10)));
        Assert.Equal(2, Intervals.MaxDistinctConcurrent(items, new Interval(10, 12)));
    }

    [Fact]
    public void Occupancy_steps_only_where_the_count_changes()
    {
        var steps = Intervals.Occupancy([new(0, 10), new(10, 20), new(5, 15)]);
        Assert.Equal([(0L, 1), (5L, 2), (15L, 1), (20L, 0)], steps);
    }
}
