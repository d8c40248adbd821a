using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace WherebyGrains.Grains;

/// <summary>
/// When a room next looks at itself without new events (sessions ending by inference, hand-offs
/// retried, archiving): one due time, kept by one timer while the room is resident and by one
/// reminder (durable) that brings it back after a deactivation or a silo restart. How near work
/// must be to keep the room in memory or to tick every minute is <see cref="MaintenanceWakeUp"/>'s.
/// Passes run one at a time: the room is reentrant, and a timer and a reminder could otherwise interleave.
/// </summary>
internal sealed partial class RoomSchedule(IGrainBase grain, Func<Task> pass, TimeProvider clock, ILogger logger)
{
    private const string Reminder = "maintenance";
    // The reminder's period as this activation knows it: null for none, Unknown when one exists
    // whose period activation did not read (the next pass registers the right one).
    private static readonly TimeSpan UnknownPeriod = TimeSpan.MinValue;
    private TimeSpan? _reminderPeriod;
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
    /// Keeps the reminder that fits work due in <paramref name="dueIn"/> of a resident room
    /// (<see cref="MaintenanceWakeUp.ReminderPeriod(TimeSpan?, TimeSpan?, bool)"/>): registered again
    /// only when its period changes (a registration is a storage write), removed when nothing is due.
    /// </summary>
    public Task KeepReminderAsync(TimeSpan? dueIn) => FitReminderAsync(MaintenanceWakeUp.ReminderPeriod(dueIn, _reminderPeriod, resident: true));

    /// <summary>
    /// The room leaves memory: its reminder is fitted to the work due in <paramref name="dueIn"/>,
    /// with no timer to do it. A failure leaves the reminder it has (logged).
    /// </summary>
    public async Task LeaveAsync(TimeSpan? dueIn, CancellationToken cancellationToken)
    {
        try
        {
            await FitReminderAsync(MaintenanceWakeUp.ReminderPeriod(dueIn)).WaitAsync(cancellationToken);
        }
        catch (Exception e)
        {
            LogReminderNotFitted(e, grain.GrainContext.GrainId);
        }
    }

    private async Task FitReminderAsync(TimeSpan? period)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Grain} leaving memory could not fit its maintenance reminder to the work due; the reminder it has wakes it")]
    private partial void LogReminderNotFitted(Exception exception, GrainId grain);
}
