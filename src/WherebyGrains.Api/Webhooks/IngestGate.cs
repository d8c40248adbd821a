namespace WherebyGrains.Api.Webhooks;

/// <summary>
/// Counts webhooks being handled, so that a shutdown can wait for them: after SIGTERM new webhooks
/// are answered 503, and the silo stops only once those in flight have their answer.
/// </summary>
public sealed class IngestGate
{
    private int _inFlight;
    private TaskCompletionSource _idle = NewIdle(completed: true);

    /// <summary>Webhooks being handled now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Marks one webhook in flight until the returned scope is disposed.</summary>
    public Scope Enter()
    {
        if (Interlocked.Increment(ref _inFlight) == 1)
        {
            Interlocked.Exchange(ref _idle, NewIdle(completed: false));
        }
        return new Scope(this);
    }

    /// <summary>Completes when no webhook is in flight (or when <paramref name="cancellationToken"/> fires).</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken) =>
        InFlight == 0 ? Task.CompletedTask : Volatile.Read(ref _idle).Task.WaitAsync(cancellationToken);

    private void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0)
        {
            Volatile.Read(ref _idle).TrySetResult();
        }
    }

    private static TaskCompletionSource NewIdle(bool completed)
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            idle.SetResult();
        }
        return idle;
    }

    /// <summary>One webhook in flight.</summary>
    public readonly struct Scope(IngestGate gate) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => gate.Exit();
    }
}
