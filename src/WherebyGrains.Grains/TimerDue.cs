namespace WherebyGrains.Grains;

/// <summary>
/// Due times for grain timers computed from event times. Orleans takes at most 0xfffffffe ms
/// (about 49.7 days) and throws beyond; events far in the past or future (stored before
/// <c>createdAt</c> was bounded) can ask for more. Waking earlier and looking again is always right.
/// </summary>
public static class TimerDue
{
    /// <summary>The longest wait a computed timer gets.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(1);

    /// <summary><paramref name="due"/>, at least zero and at most <see cref="Max"/>; null stays null.</summary>
    public static TimeSpan? Clamp(TimeSpan? due) => due switch
    {
        null => null,
        { } d when d < TimeSpan.Zero => TimeSpan.Zero,
        { } d when d > Max => Max,
        { } d => d,
    };
}
