using Orleans.Concurrency;
using Orleans.Runtime;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>The durable record of one room index bucket.</summary>
[GenerateSerializer, Alias("wg.RoomIndexState")]
public sealed class RoomIndexState
{
    /// <summary>The bucket's room names.</summary>
    [Id(0)] public SortedSet<string> Rooms { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The rooms' listings as they pushed them last (a name without one lists without totals).</summary>
    [Id(1)] public Dictionary<string, RoomListing> Listings { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// One bucket of a tenant's room index, fed by its rooms' listings. Listings gather for
/// <see cref="Gather"/> and go out together (a room's newest only): with <see cref="IRoomNames"/>
/// (Azure) as entities, a room each, in transactions of up to 100; without it (memory storage) in
/// the bucket's own record. The list shows what is gathered or being written already, so the
/// gathering costs the rooms list no freshness. Reentrant: a bucket serves many rooms, and one slow
/// write must not queue the others behind it.
/// </summary>
[Reentrant]
public sealed class RoomIndexGrain(
    [PersistentState("roomindex", StorageNames.Grains)] IPersistentState<RoomIndexState> state,
    TimeProvider clock,
    IRoomNames? names = null) : Grain, IRoomIndexGrain
{
    /// <summary>How long listings gather before a write: well within the rooms list's 2 s freshness bound.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(250);

    private readonly Dictionary<string, RoomListing> _gathered = new(StringComparer.Ordinal);
    private RoomListing[] _writing = [];
    private TaskCompletionSource? _round;
    private Task _writer = Task.CompletedTask;

    /// <inheritdoc />
    public Task PutAsync(RoomListing listing)
    {
        // No shortcut for a listing held already: a failed write leaves it in the record's state
        // unwritten, and the room's retry must write it. Rooms push only what changed anyway.
        _gathered[listing.RoomName] = listing;
        _round ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var written = _round.Task;
        if (_writer.IsCompleted)
        {
            _writer = WriteRoundsAsync();
        }
        return written;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RoomListing>> ListAsync(string? after, int limit)
    {
        // What is gathered or being written is newer than what is stored; taken before the read,
        // since a round may be written (and leave both) while the read runs.
        List<RoomListing> newer = [.. _writing.Concat(_gathered.Values).Where(l => after is null || string.CompareOrdinal(l.RoomName, after) > 0)];
        IEnumerable<RoomListing> stored;
        if (names is not null)
        {
            stored = await names.ListAsync(this.GetPrimaryKeyString(), after, limit);
        }
        else
        {
            var rooms = state.State.Rooms;
            IEnumerable<string> held = after is null || rooms.Count == 0
                ? rooms
                : string.CompareOrdinal(after, rooms.Max) >= 0 ? [] : rooms.GetViewBetween(after, rooms.Max!).Where(r => string.CompareOrdinal(r, after) > 0);
            stored = held.Take(limit).Select(name => state.State.Listings.GetValueOrDefault(name) ?? new RoomListing(name, null));
        }
        var merged = new SortedDictionary<string, RoomListing>(StringComparer.Ordinal);
        foreach (var listing in stored.Concat(newer))
        {
            merged[listing.RoomName] = listing;
        }
        return [.. merged.Values.Take(limit)];
    }

    private async Task WriteRoundsAsync()
    {
        while (_round is { } round)
        {
            await Task.Delay(Gather, clock);
            _writing = [.. _gathered.Values];
            _gathered.Clear();
            _round = null;
            try
            {
                await WriteAsync(_writing);
                round.TrySetResult();
            }
            catch (Exception e)
            {
                // The rooms retry their listings (with back-off).
                round.TrySetException(e);
            }
            finally
            {
                _writing = [];
            }
        }
    }

    private async Task WriteAsync(RoomListing[] listings)
    {
        if (names is not null)
        {
            await names.PutAsync(this.GetPrimaryKeyString(), listings);
            return;
        }
        foreach (var listing in listings)
        {
            state.State.Rooms.Add(listing.RoomName);
            state.State.Listings[listing.RoomName] = listing;
        }
        await state.WriteStateAsync();
    }
}
