using WherebyGrains.Contracts;

namespace WherebyGrains.Journal;

/// <summary>
/// The one way an event enters the service: appended to the journal (durable, shared with the
/// events in flight) and, beside it, handed to its room, which dedupes it and holds it at once
/// (<see cref="IRoomGrain.ApplyAsync"/>). The room writes its own record later; until then the
/// journal is the truth. Used by the webhook front door and, with a <see cref="MemoryEventJournal"/>,
/// by the grain tests, so that both run the path production runs.
/// </summary>
public sealed class RoomIngest(IEventJournal journal, IGrainFactory grains, TimeProvider clock)
{
    // With the default IngestTimeout (3 s), a 503 still goes out well within Whereby's 5 s.
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Makes <paramref name="evt"/> durable and hands it to its room, within <paramref name="timeout"/>.
    /// Throws when it could not be made durable (the caller answers 503 and Whereby retries; the
    /// room's hold is released first, which may take up to 1 s beyond the timeout), and
    /// <see cref="OperationCanceledException"/> when <paramref name="aborted"/> fired first.
    /// </summary>
    public async Task<Ingested> IngestAsync(string tenantId, WherebyEvent evt, TimeSpan timeout, CancellationToken aborted)
    {
        var started = clock.GetTimestamp();
        var room = grains.GetGrain<IRoomGrain>(new RoomKey(tenantId, evt.RoomName).ToString());
        // The journal's write starts beside the room's hold: the answer waits for the slower, not their sum.
        var journaled = journal.AppendAsync(tenantId, evt, aborted);
        ApplyOutcome? applied = null;
        Exception? roomError = null;
        try
        {
            applied = await room.ApplyAsync(evt).WaitAsync(timeout, clock, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            Observe(journaled);
            throw;
        }
        catch (Exception e)
        {
            roomError = e;
        }

        try
        {
            var left = timeout - clock.GetElapsedTime(started);
            await journaled.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, clock, aborted);
        }
        catch (Exception) when (applied is { Durable: true })
        {
            // A redelivery that the room's own record already holds: nothing more to make durable.
        }
        catch (Exception)
        {
            if (applied is { New: true })
            {
                // Not acknowledged after all: the retry Whereby sends after our 503 is the new one,
                // so the room hears it before the 503 goes out (a retry must not overtake it).
                try
                {
                    await room.ReleaseAsync(evt.Id).WaitAsync(ReleaseTimeout, clock, CancellationToken.None);
                }
                catch (Exception)
                {
                    // The retry then counts as a duplicate: still durable, as the journal takes it.
                }
            }
            throw;
        }
        return applied is { } outcome
            ? new Ingested(outcome.New ? IngestOutcome.Accepted : IngestOutcome.Duplicate, null)
            // The room was unreachable (a silo crashed and the cluster has not moved it yet), but the
            // event is in the journal: acknowledged, and the drainer hands it over once the room is back.
            : new Ingested(IngestOutcome.Spooled, roomError);
    }

    /// <summary>A journal write nobody waits for any more must not fault unobserved.</summary>
    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}

/// <summary>What <see cref="RoomIngest.IngestAsync"/> did with one delivery; the event is durable either way.</summary>
/// <param name="Outcome">Accepted, a duplicate, or spooled (journaled while its room was unreachable).</param>
/// <param name="RoomError">Why the room did not take it, when spooled.</param>
public readonly record struct Ingested(IngestOutcome Outcome, Exception? RoomError);
