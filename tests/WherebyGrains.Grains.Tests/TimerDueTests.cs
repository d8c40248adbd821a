namespace WherebyGrains.Grains.Tests;

/// <summary>
/// Events the front door now rejects may already be stored (accepted before createdAt was bounded):
/// no timer computed from them may overflow Orleans' limit (0xfffffffe ms).
/// </summary>
public sealed class TimerDueTests
{
    [Theory]
    [InlineData(60 * 24 * 60.0, 24 * 60.0)]
    [InlineData(49.71 * 24 * 60, 24 * 60.0)]
    [InlineData(30.0, 30.0)]
    [InlineData(-5.0, 0.0)]
    public void A_computed_due_time_is_clamped_to_a_day(double minutes, double expected)
    {
        Assert.Equal(TimeSpan.FromMinutes(expected), TimerDue.Clamp(TimeSpan.FromMinutes(minutes)));
        Assert.True(TimerDue.Clamp(TimeSpan.FromMinutes(minutes))!.Value.TotalMilliseconds <= 0xfffffffe);
    }

    [Fact]
    public void Nothing_due_stays_nothing() => Assert.Null(TimerDue.Clamp(null));
}
