using WherebyGrains.Grains;

namespace WherebyGrains.Grains.Tests;

/// <summary>
/// The batcher with a write whose completion the test controls, so that "while a write is in
/// flight" is a fact of the test, not a race. Each test runs its turns one at a time, as a grain's
/// are (the batcher is not thread-safe by design).
/// </summary>
public sealed class StateWriteBatcherTests
{
    private readonly Queue<TaskCompletionSource> _writes = new();
    private readonly TaskScheduler _turns = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;

    private Task InTurns(Func<Task> test) => Task.Factory.StartNew(test, CancellationToken.None, TaskCreationOptions.None, _turns).Unwrap();

    private StateWriteBatcher NewBatcher(StorageWriteGate? gate = null) => new(() =>
    {
        var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _writes.Enqueue(write);
        return write.Task;
    }, gate ?? StorageWriteGate.Unbounded);

    [Fact]
    public Task Changes_made_while_a_write_is_in_flight_share_the_next_write() => InTurns(async () =>
    {
        var batcher = NewBatcher();
        var first = batcher.WhenDurableAsync(batcher.MarkChanged());
        var waiting = Enumerable.Range(0, 10).Select(_ => batcher.WhenDurableAsync(batcher.MarkChanged())).ToList();

        Assert.Single(_writes);
        _writes.Dequeue().SetResult();
        await first;
        await WaitUntil(() => _writes.Count == 1);
        Assert.All(waiting, w => Assert.False(w.IsCompleted));

        _writes.Dequeue().SetResult();
        await Task.WhenAll(waiting);
        Assert.Equal(2, batcher.WritesStarted);
    });

    [Fact]
    public Task A_failed_write_fails_the_changes_it_held_and_the_next_change_writes_them_again() => InTurns(async () =>
    {
        var batcher = NewBatcher();
        var version = batcher.MarkChanged();
        var failing = batcher.WhenDurableAsync(version);
        _writes.Dequeue().SetException(new IOException("storage down"));

        await Assert.ThrowsAsync<IOException>(() => failing);
        Assert.False(batcher.IsDurable(version));

        var retry = batcher.WhenDurableAsync(version);
        _writes.Dequeue().SetResult();
        await retry;
        Assert.True(batcher.IsDurable(version));
    });

    [Fact]
    public Task A_retry_that_arrives_while_the_first_write_is_failing_gets_its_own_attempt() => InTurns(async () =>
    {
        var batcher = NewBatcher();
        var version = batcher.MarkChanged();
        var original = batcher.WhenDurableAsync(version);
        var retry = batcher.WhenDurableAsync(version);

        _writes.Dequeue().SetException(new IOException("storage down"));
        await Assert.ThrowsAsync<IOException>(() => original);
        await WaitUntil(() => _writes.Count == 1);
        _writes.Dequeue().SetResult();

        await retry;
        Assert.True(batcher.IsDurable(version));
    });

    [Fact]
    public Task A_change_already_durable_needs_no_write() => InTurns(async () =>
    {
        var batcher = NewBatcher();
        var version = batcher.MarkChanged();
        var first = batcher.WhenDurableAsync(version);
        _writes.Dequeue().SetResult();
        await first;

        await batcher.WhenDurableAsync(version);

        Assert.Empty(_writes);
        Assert.Equal(1, batcher.WritesStarted);
    });

    [Fact]
    public Task A_write_waiting_for_the_gate_covers_the_changes_made_while_it_waits() => InTurns(async () =>
    {
        var gate = new StorageWriteGate(1);
        var held = await gate.EnterAsync();
        var batcher = NewBatcher(gate);

        var first = batcher.WhenDurableAsync(batcher.MarkChanged());
        var second = batcher.WhenDurableAsync(batcher.MarkChanged());
        Assert.Empty(_writes);

        held.Dispose();
        await WaitUntil(() => _writes.Count == 1);
        _writes.Dequeue().SetResult();
        await Task.WhenAll(first, second);

        Assert.Equal(1, batcher.WritesStarted);
        Assert.Empty(_writes);
    });

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        Assert.True(condition());
    }
}
