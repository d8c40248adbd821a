namespace WherebyGrains.Attendance;

/// <summary>Interval arithmetic: union, clipping and concurrency, in one place.</summary>
public static class Intervals
{
    /// <summary>The union of <paramref name="intervals"/> as sorted, disjoint, non-empty intervals.</summary>
    public static List<Interval> Union(IEnumerable<Interval> intervals)
    {
        var sorted = intervals.Where(i => !i.IsEmpty).OrderBy(i => i.Start).ThenBy(i => i.End).ToList();
        var union = new List<Interval>(sorted.Count);
        foreach (var interval in sorted)
        {
            if (union.Count > 0 && interval.Start <= union[^1].End)
            {
                union[^1] = union[^1] with { End = Math.Max(union[^1].End, interval.End) };
            }
            else
            {
                union.Add(interval);
            }
        }
        return union;
    }

    /// <summary>The length of the union of <paramref name="intervals"/> within <paramref name="window"/>.</summary>
    public static long UnionLength(IEnumerable<Interval> intervals, Interval window) =>
        Union(intervals.Select(i => i.ClipTo(window))).Sum(i => i.Length);

    /// <summary>
    /// The most distinct keys present at one instant within <paramref name="window"/>: two
    /// intervals of one key at once count once.
    /// </summary>
    public static int MaxDistinctConcurrent<TKey>(IEnumerable<(TKey Key, Interval Interval)> items, Interval window)
        where TKey : notnull
    {
        // Per key, its union first: then keys never overlap themselves and a plain sweep counts keys.
        var edges = new List<(long At, int Delta)>();
        foreach (var group in items.GroupBy(i => i.Key))
        {
            foreach (var span in Union(group.Select(g => g.Interval.ClipTo(window))))
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
    public static List<(long At, int Count)> Occupancy(IEnumerable<Interval> intervals)
    {
        var edges = new SortedDictionary<long, int>();
        foreach (var interval in intervals)
        {
            if (interval.IsEmpty)
            {
                continue;
            }
            edges[interval.Start] = edges.GetValueOrDefault(interval.Start) + 1;
            edges[interval.End] = edges.GetValueOrDefault(interval.End) - 1;
        }
        var steps = new List<(long At, int Count)>(edges.Count);
        var count = 0;
        foreach (var (at, delta) in edges)
        {
            if (delta == 0)
            {
                continue;
            }
            count += delta;
            steps.Add((at, count));
        }
        return steps;
    }
}
