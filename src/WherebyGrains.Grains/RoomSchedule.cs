using Orleans.Runtime;

namespace WherebyGrains.Grains;

/// <summary>
/// When a room next looks at itself without new events (sessions ending by inference, hand-offs
/// retried, archiving): one due time, kept by one timer while the room is resident and by one
/// reminder (durable) that brings it back after a deactivation or a silo restart. How near work
/// must be to keep the room in memory or to tick every minute is <see cref="MaintenanceWakeUp"/>'s.
/// Passes run one at a time: the room is reentrant, and a timer and a reminder could otherwise interleave.
/// </summary>
internal sealed class RoomSchedule(IGrainBase grain, Func<Task> pass, TimeProvider clock)
{
    private const string Reminder = "maintenance";
    // The reminder's period as this activation knows it: null for none, Unknown when one exists
    // whose period activation did not read (the next pass registers the right one).
    private static readonly TimeSpan UnknownPeriod = TimeSpan.MinValue;
    private TimeSpan? _reminderPeriod;
    // The period the room's work calls for (once a pass has said), applied at a tick or when the room leaves memory if it is longer.
    private (TimeSpan? Period, bool Known) _wanted;
    // A reminder tick started the pass under way.
    private bool _ticked;
    private IGrainTimer? _timer;
    private long? _dueAt;
    private bool _running;
    private bool _again;

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Learns whether a reminder exists. A room that has never written its record (nearly every
    /// activation under load: a new meeting) skips the read: it can have a reminder only if it
    /// crashed between registering one and its first write, and that reminder's first tick says so.
    /// </summary>
    public async Task StartAsync(bool recordExists) =>
        _reminderPeriod = recordExists && await grain.GetReminder(Reminder) is not null ? UnknownPeriod : null;

    /// <summary>The reminder ticked: it exists with this period, whatever activation guessed; a pass runs.</summary>
    public Task TickedAsync(TickStatus status)
    {
        _reminderPeriod = status.Period;
        _ticked = true;
        return RunAsync();
    }

    /// <summary>Runs a pass, or one more after the pass under way.</summary>
    private async Task RunAsync()
    {
        _dueAt = null;
        if (_running)
        {
            _again = true;
            return;
        }
        _running = true;
        try
        {
            do
            {
                _again = false;
                await pass();
            }
            while (_again);
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>Plans the timer for <paramref name="dueIn"/> from now (none when null), replacing what was planned.</summary>
    public void At(TimeSpan? dueIn)
    {
        // Event times far ahead would overflow Orleans' timer: look again within a day instead.
        dueIn = TimerDue.Clamp(dueIn);
        _dueAt = dueIn is { } wait ? Now + (long)wait.TotalMilliseconds : null;
        _timer?.Dispose();
        _timer = dueIn is { } due
            ? grain.RegisterGrainTimer(static (self, _) => self.RunAsync(), this,
                new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = MaintenanceWakeUp.KeepsAlive(due), Interleave = false })
            : null;
    }

    /// <summary>Moves the timer to <paramref name="dueAt"/> (Unix ms) if that is earlier than planned; never later.</summary>
    public void NoLaterThan(long dueAt)
    {
        if (_dueAt is { } planned && planned <= dueAt)
        {
            return;
        }
        At(TimeSpan.FromMilliseconds(Math.Max(0, dueAt - Now)));
    }

    /// <summary>
    /// Keeps the reminder that fits work due in <paramref name="dueIn"/>: registered again only when
    /// its period changes (a registration is a storage write), removed when nothing is due. Between
    /// its ticks, a period only shortens: the room's timer does the work while it is resident, and a
    /// room that goes from meeting to idle and back within a minute would otherwise write its
    /// reminder at every turn. At a tick (each one a call that keeps the room resident) and when the
    /// room leaves memory (<see cref="LeaveAsync"/>), the reminder takes the period the work calls for.
    /// </summary>
    public async Task KeepReminderAsync(TimeSpan? dueIn)
    {
        _wanted = (MaintenanceWakeUp.ReminderPeriod(dueIn), true);
        var ticked = _ticked;
        _ticked = false;
        if (!ticked && _reminderPeriod is { } current && current != UnknownPeriod && (_wanted.Period is not { } wanted || wanted > current))
        {
            return;
        }
        await ApplyAsync(_wanted.Period);
    }

    /// <summary>The room leaves memory: its reminder gets the period its work calls for, as far as a pass of this activation learned it.</summary>
    public Task LeaveAsync() => _wanted.Known ? ApplyAsync(_wanted.Period) : Task.CompletedTask;

    private async Task ApplyAsync(TimeSpan? period)
    {
        if (period == _reminderPeriod)
        {
            return;
        }
        if (period is { } every)
        {
            await grain.RegisterOrUpdateReminder(Reminder, every, every);
        }
        else if (await grain.GetReminder(Reminder) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
        _reminderPeriod = period;
    }
}
