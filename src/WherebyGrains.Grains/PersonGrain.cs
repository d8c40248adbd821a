using Orleans.Concurrency;
using Orleans.Runtime;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// One person's attendance across sessions and rooms, fed by the rooms' hand-offs. Upserts are
/// idempotent and ordered by revision, so a retried or late hand-off never goes backwards.
/// A hand-off returns once its row is durable. Reentrant, so that hand-offs from several rooms
/// arriving while a write waits for the silo's <see cref="StorageWriteGate"/> share the next
/// write: every change happens within a turn, before any await.
/// </summary>
[Reentrant]
public sealed class PersonGrain(
    [PersistentState("person", StorageNames.Grains)] IPersistentState<PersonState> state,
    StorageWriteGate gate) : Grain, IPersonGrain
{
    private readonly StateWriteBatcher _writes = new(state.WriteStateAsync, gate);

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
