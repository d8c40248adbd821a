namespace WherebyGrains.Attendance;

/// <summary>
/// A half-open span of time <c>[Start, End)</c> in Unix milliseconds. Half-open, so that a leave
/// and a join at the same instant never overlap.
/// </summary>
public readonly record struct Interval(long Start, long End)
{
    /// <summary>The length in milliseconds (never negative).</summary>
    public long Length => Math.Max(0, End - Start);

    /// <summary>True when the interval holds no time.</summary>
    public bool IsEmpty => End <= Start;

    /// <summary>This interval cut to <paramref name="window"/>; empty when they do not meet.</summary>
    public Interval ClipTo(Interval window) => new(Math.Max(Start, window.Start), Math.Min(End, window.End));

    /// <summary>True when the two share some time.</summary>
    public bool Overlaps(Interval other) => Start < other.End && other.Start < End;
}
