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
}
