using Orleans.Timers;

namespace WherebyGrains.Grains.Tests;

/// <summary>
/// Registers and reads reminders on behalf of other grains: Orleans accepts reminder calls only
/// from a grain, and a test needs a reminder that its grain never registered (left by a crash).
/// </summary>
[Alias("WherebyGrains.Grains.Tests.IReminderPlanterGrain")]
public interface IReminderPlanterGrain : IGrainWithIntegerKey
{
    /// <summary>Registers reminder <paramref name="name"/> for <paramref name="target"/>.</summary>
    [Alias("Plant")]
    Task PlantAsync(GrainId target, string name, TimeSpan due, TimeSpan period);

    /// <summary>Whether <paramref name="target"/> has reminder <paramref name="name"/>.</summary>
    [Alias("Exists")]
    Task<bool> ExistsAsync(GrainId target, string name);
}

/// <inheritdoc cref="IReminderPlanterGrain" />
public sealed class ReminderPlanterGrain(IReminderRegistry reminders) : Grain, IReminderPlanterGrain
{
    /// <inheritdoc />
    public Task PlantAsync(GrainId target, string name, TimeSpan due, TimeSpan period) =>
        reminders.RegisterOrUpdateReminder(target, name, due, period);

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(GrainId target, string name) => await reminders.GetReminder(target, name) is not null;
}
