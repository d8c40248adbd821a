namespace WherebyGrains.Attendance;

/// <summary>Interval arithmetic: union, clipping and concurrency, in one place.</summary>
public static class Intervals
{
    /// <summary>The union of <paramref name="intervals"/> as sorted, disjoint, non-empty intervals.</summary>
    public static List<Interval> Union(IEnumerable<Interval> intervals)
    {
        var union = new List<Interval>();
        foreach (var interval in intervals)
        {
            if (!interval.IsEmpty)
            {
                union.Add(interval);
            }
        }
        MergeInPlace(union);
        return union;
    }

    /// <summary>The length of the union of <paramref name="intervals"/> within <paramref name="window"/>.</summary>
    public static long UnionLength(IEnumerable<Interval> intervals, Interval window)
    {
        var union = Union(intervals.Select(i => i.ClipTo(window)));
        var length = 0L;
        foreach (var interval in union)
        {
            length += interval.Length;
        }
        return length;
    }

    /// <summary>Sorts non-empty <paramref name="intervals"/> and merges those that touch or overlap, in place.</summary>
    private static void MergeInPlace(List<Interval> intervals)
    {
        // The rules run on every settle of every room: a sort and one pass, not LINQ's ordered iterators.
        intervals.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
        var kept = 0;
        for (var i = 0; i < intervals.Count; i++)
        {
            var interval = intervals[i];
            if (kept > 0 && interval.Start <= intervals[kept - 1].End)
            {
                intervals[kept - 1] = intervals[kept - 1] with { End = Math.Max(intervals[kept - 1].End, interval.End) };
            }
            else
            {
                intervals[kept++] = interval;
            }
        }
        intervals.RemoveRange(kept, intervals.Count - kept);
    }

    /// <summary>
    /// The most distinct keys present at one instant within <paramref name="window"/>: two
    /// intervals of one key at once count once.
    /// </summary>
    public static int MaxDistinctConcurrent<TKey>(IEnumerable<(TKey Key, Interval Interval)> items, Interval window)
        where TKey : notnull =>
        MaxDistinctConcurrent(items.GroupBy(i => i.Key).Select(group => group.Select(g => g.Interval)), window);

    /// <summary>
    /// The most keys present at one instant within <paramref name="window"/>, given each key's
    /// intervals: two intervals of one key at once count once.
    /// </summary>
    public static int MaxDistinctConcurrent(IEnumerable<IEnumerable<Interval>> intervalsByKey, Interval window)
    {
        // Per key, its union first: then keys never overlap themselves and a plain sweep counts keys.
        var edges = new List<(long At, int Delta)>();
        var own = new List<Interval>();
        foreach (var intervals in intervalsByKey)
        {
            own.Clear();
            foreach (var interval in intervals)
            {
                if (interval.ClipTo(window) is { IsEmpty: false } clipped)
                {
                    own.Add(clipped);
                }
            }
            MergeInPlace(own);
            foreach (var span in own)
            {
                edges.Add((span.Start, +1));
                edges.Add((span.End, -1));
            }
        }
        return MaxRunningSum(edges);
    }

    /// <summary>
    /// The highest running total of <paramref name="edges"/> taken in time order, ends before
    /// starts at the same instant (half-open intervals).
    /// </summary>
    public static int MaxRunningSum(List<(long At, int Delta)> edges)
    {
        edges.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Delta.CompareTo(b.Delta));
        int current = 0, max = 0;
        foreach (var (_, delta) in edges)
        {
            current += delta;
            max = Math.Max(max, current);
        }
        return max;
    }

    /// <summary>
    /// The step function "how many intervals are open" as (instant, count from then on), in time
    /// order, one entry per instant at which the count changes. Starts at count 0.
    /// </summary>
    public static List<(long At, long Count)> Occupancy(IEnumerable<Interval> intervals)
    {
        var edges = new List<(long At, long Delta)>();
        foreach (var interval in intervals)
        {
            if (!interval.IsEmpty)
            {
                edges.Add((interval.Start, +1));
                edges.Add((interval.End, -1));
            }
        }
        return Steps(edges);
    }

    /// <summary>
    /// The step function of weighted <paramref name="edges"/> (instant, change): (instant, total
    /// from then on), in time order, one entry per instant at which the total changes.
    /// </summary>
    public static List<(long At, long Count)> Steps(List<(long At, long Delta)> edges)
    {
        edges.Sort(static (a, b) => a.At.CompareTo(b.At));
        var steps = new List<(long At, long Count)>(edges.Count);
        long count = 0;
        for (var i = 0; i < edges.Count;)
        {
            // Every edge at one instant at once: a start and an end there cancel out.
            var at = edges[i].At;
            long delta = 0;
            for (; i < edges.Count && edges[i].At == at; i++)
            {
                delta += edges[i].Delta;
            }
            if (delta != 0)
            {
                count += delta;
                steps.Add((at, count));
            }
        }
        return steps;
    }
}
