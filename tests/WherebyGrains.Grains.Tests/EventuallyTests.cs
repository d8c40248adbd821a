using WherebyGrains.Testing;

namespace WherebyGrains.Grains.Tests;

/// <summary>The wait every hand-off test relies on: it must fail when the condition never holds.</summary>
public sealed class EventuallyTests
{
    [Fact]
    public async Task A_condition_that_never_holds_throws_with_the_last_value_read()
    {
        var reads = 0;
        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            Eventually.Async(() => Task.FromResult(Interlocked.Increment(ref reads)), n => n < 0, TimeSpan.FromMilliseconds(300)));

        Assert.True(reads > 1, $"read {reads} time(s): it should poll until the timeout");
        Assert.EndsWith($"last value read: {reads}", error.Message);
    }

    [Fact]
    public async Task A_condition_that_comes_to_hold_returns_the_value_that_satisfied_it()
    {
        var reads = 0;
        Assert.Equal(3, await Eventually.Async(() => Task.FromResult(++reads), n => n >= 3, TimeSpan.FromSeconds(30)));
    }
}
