using WherebyGrains.Grains;

namespace WherebyGrains.Grains.Tests;

public sealed class MaintenanceWakeUpTests
{
    [Fact]
    public void Near_work_is_looked_at_every_minute_far_work_hourly_and_no_work_not_at_all()
    {
        Assert.Null(MaintenanceWakeUp.ReminderPeriod(null));
        Assert.Equal(TimeSpan.FromMinutes(1), MaintenanceWakeUp.ReminderPeriod(TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromMinutes(1), MaintenanceWakeUp.ReminderPeriod(TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromHours(1), MaintenanceWakeUp.ReminderPeriod(TimeSpan.FromHours(1) + TimeSpan.FromMilliseconds(1)));
        // A meeting's archive, ArchiveAfter (6 h) after it ended.
        Assert.Equal(TimeSpan.FromHours(1), MaintenanceWakeUp.ReminderPeriod(TimeSpan.FromHours(6)));
    }

    [Fact]
    public void Only_work_due_within_five_minutes_keeps_a_room_in_memory()
    {
        Assert.True(MaintenanceWakeUp.KeepsAlive(TimeSpan.FromSeconds(1)));
        Assert.True(MaintenanceWakeUp.KeepsAlive(TimeSpan.FromMinutes(5)));
        Assert.False(MaintenanceWakeUp.KeepsAlive(TimeSpan.FromMinutes(5) + TimeSpan.FromMilliseconds(1)));
        Assert.False(MaintenanceWakeUp.KeepsAlive(TimeSpan.FromHours(6)));
    }

    [Fact]
    public void A_resident_room_keeps_an_hourly_reminder_for_near_work_and_fits_it_when_it_leaves_memory()
    {
        var minute = TimeSpan.FromMinutes(1);
        var hour = TimeSpan.FromHours(1);
        // A session starts again after the last one ended: the timer does it, the hourly reminder stays.
        Assert.Equal(hour, MaintenanceWakeUp.ReminderPeriod(TimeSpan.FromSeconds(30), hour, resident: true));
        // Leaving memory with near work: every minute.
        Assert.Equal(minute, MaintenanceWakeUp.ReminderPeriod(TimeSpan.FromSeconds(30), hour, resident: false));
        // Far work after near work: hourly, resident or not; no work: none.
        Assert.Equal(hour, MaintenanceWakeUp.ReminderPeriod(TimeSpan.FromHours(6), minute, resident: true));
        Assert.Null(MaintenanceWakeUp.ReminderPeriod(null, hour, resident: true));
        // No reminder yet, or one whose period activation did not read: the one that fits.
        Assert.Equal(minute, MaintenanceWakeUp.ReminderPeriod(TimeSpan.FromSeconds(30), null, resident: true));
        Assert.Equal(minute, MaintenanceWakeUp.ReminderPeriod(TimeSpan.FromSeconds(30), TimeSpan.MinValue, resident: true));
    }
}
