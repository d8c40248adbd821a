using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// One person's attendance across sessions and rooms, fed by the rooms' hand-offs. Upserts are
/// idempotent and ordered by revision, so a retried or late hand-off never goes backwards.
/// A hand-off returns once its row is durable; the write waits
/// <see cref="RoomGrainOptions.PersonWriteDelay"/> first, so that rows arriving close together
/// (a person's live row and, soon after, the final one; several rooms at once) share it.
/// Reentrant so that they can: every change happens within a turn, before any await.
/// </summary>
[Reentrant]
public sealed class PersonGrain(
    [PersistentState("person", StorageNames.Grains)] IPersistentState<PersonState> state,
    IOptions<RoomGrainOptions> options,
    TimeProvider runtimeClock) : Grain, IPersonGrain
{
    private readonly StateWriteBatcher _writes = new(state.WriteStateAsync, options.Value.PersonWriteDelay, runtimeClock);

    /// <inheritdoc />
    public async Task RecordAsync(IReadOnlyList<AttendanceRow> rows, long revision)
    {
        var changed = false;
        foreach (var row in rows)
        {
            var key = row.RoomName + "\n" + row.RoomSessionId;
            if (state.State.Rows.TryGetValue(key, out var held) && (held.Revision > revision || held.Row == row))
            {
                continue;
            }
            state.State.Rows[key] = new PersonSessionRow(row, revision);
            changed = true;
        }
        if (changed)
        {
            await _writes.WhenDurableAsync(_writes.MarkChanged());
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AttendanceRow>> GetAttendanceAsync() =>
        Task.FromResult<IReadOnlyList<AttendanceRow>>(
            [.. state.State.Rows.Values.Select(r => r.Row).OrderByDescending(r => r.SessionStartedAt).ThenBy(r => r.RoomName, StringComparer.Ordinal)]);
}
