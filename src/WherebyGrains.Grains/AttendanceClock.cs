namespace WherebyGrains.Grains;

/// <summary>
/// The grains read "now" from a keyed <see cref="TimeProvider"/>, not Orleans' own: tests can then
/// move attendance time (grace periods, archiving) without moving the clock that Orleans' membership
/// and timers run on. Production registers <see cref="TimeProvider.System"/> under this key.
/// </summary>
public static class AttendanceClock
{
    /// <summary>The DI key of the attendance clock.</summary>
    public const string Key = "wherebygrains-attendance-clock";
}
