using Orleans.Runtime;

namespace WherebyGrains.Grains;

/// <summary>
/// Runs a room's settling (one computation of its attendance for everything recorded since the
/// last) at once when it has not run for the interval, else once the interval has passed: events
/// that arrive together share one computation. A throttle of CPU work, so on the runtime's clock,
/// never the attendance clock.
/// </summary>
internal sealed class SettleThrottle(IGrainBase grain, TimeProvider runtimeClock, TimeSpan interval, Action settle)
{
    private readonly Action _settle = settle;
    private long? _last;
    private IGrainTimer? _timer;

    /// <summary>Asks for a settling: now, or when the interval since the last has passed.</summary>
    public void Request()
    {
        if (_timer is not null)
        {
            return;
        }
        var since = _last is { } last ? runtimeClock.GetElapsedTime(last) : TimeSpan.MaxValue;
        if (since >= interval)
        {
            _settle();
            return;
        }
        _timer = grain.RegisterGrainTimer(static (self, _) =>
        {
            self._timer?.Dispose();
            self._timer = null;
            self._settle();
            return Task.CompletedTask;
        }, this, new GrainTimerCreationOptions(interval - since, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
    }

    /// <summary>Says that a settling ran now (whoever asked for it).</summary>
    public void Ran() => _last = runtimeClock.GetTimestamp();
}
