namespace WherebyGrains.Grains;

/// <summary>
/// How a room wakes for maintenance that is due: a timer while it is resident, a reminder (durable)
/// to bring it back. Only near work keeps a room in memory: a meeting that ended waits hours for
/// its archive, and a reminder every minute with a keep-alive timer held every such room resident
/// until then (the soak's memory growth).
/// </summary>
public static class MaintenanceWakeUp
{
    /// <summary>Work due this soon keeps the room resident (its timer keeps it alive).</summary>
    public static readonly TimeSpan KeepAliveWithin = TimeSpan.FromMinutes(5);

    /// <summary>Work due this soon is looked at every minute (Orleans' shortest reminder period).</summary>
    public static readonly TimeSpan NearWithin = TimeSpan.FromHours(1);

    /// <summary>The reminder period for work due in <paramref name="dueIn"/>; none when nothing is due.</summary>
    public static TimeSpan? ReminderPeriod(TimeSpan? dueIn) => dueIn switch
    {
        null => null,
        { } due when due <= NearWithin => TimeSpan.FromMinutes(1),
        _ => TimeSpan.FromHours(1),
    };

    /// <summary>
    /// The reminder period for work due in <paramref name="dueIn"/> of a room that holds a reminder
    /// of period <paramref name="held"/> (null for none). While the room is <paramref name="resident"/>
    /// its timer does near work, so a reminder that wakes it less often is kept: a room whose sessions
    /// come and go writes its reminder once, not at every session's start and end. (After a crash,
    /// such a room's near work waits for that reminder's next tick.)
    /// </summary>
    public static TimeSpan? ReminderPeriod(TimeSpan? dueIn, TimeSpan? held, bool resident) =>
        ReminderPeriod(dueIn) is { } wanted && resident && held > wanted ? held : ReminderPeriod(dueIn);

    /// <summary>Whether the timer for work due in <paramref name="dueIn"/> keeps the room in memory until then.</summary>
    public static bool KeepsAlive(TimeSpan dueIn) => dueIn <= KeepAliveWithin;
}
