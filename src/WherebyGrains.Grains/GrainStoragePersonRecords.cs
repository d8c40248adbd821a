using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// Person rows kept as one record per person in the grain storage provider (memory storage, for
/// benchmarks and tests): read, merged by revision, written back under its ETag, read again when
/// another room wrote the person meanwhile.
/// </summary>
public sealed class GrainStoragePersonRecords(
    [FromKeyedServices(StorageNames.Grains)] IGrainStorage storage,
    StorageWriteGate gate) : IPersonRecords
{
    private const string StateName = "person";
    private const int MaxAttempts = 10;
    private static readonly GrainType RecordType = GrainType.Create("wg-person-record");

    /// <inheritdoc />
    public Task WriteAsync(string tenantId, string roomName, IReadOnlyList<PersonHandOff> handOffs) =>
        Task.WhenAll(handOffs.GroupBy(h => h.PersonKey, StringComparer.Ordinal).Select(person => WritePersonAsync(person.Key, [.. person])));

    /// <inheritdoc />
    public async Task<IReadOnlyList<AttendanceRow>> ReadAsync(string personKey) =>
        [.. (await PersonState.ReadAsync(storage, StateName, Id(personKey))).Person.Rows.Values.Where(r => !r.Withdrawn).Select(r => r.Row)];

    private async Task WritePersonAsync(string personKey, List<PersonHandOff> handOffs)
    {
        // Conflicts need rooms writing one person at the same instant: a few attempts settle them;
        // past that the caller's outbox keeps the rows for its next delivery.
        for (var attempt = 1; ; attempt++)
        {
            var (record, person) = await PersonState.ReadAsync(storage, StateName, Id(personKey));
            if (!Merge(person, handOffs))
            {
                return;
            }
            using (await gate.EnterAsync())
            {
                try
                {
                    await storage.WriteStateAsync(StateName, Id(personKey), record);
                    return;
                }
                catch (InconsistentStateException) when (attempt < MaxAttempts)
                {
                    // Another room wrote this person since the read: merge into what it wrote.
                }
            }
        }
    }

    /// <summary>Upserts rows (and withdrawals) by (room, session); a row older than the one held is ignored. True when anything changed.</summary>
    private static bool Merge(PersonState person, List<PersonHandOff> handOffs)
    {
        var changed = false;
        foreach (var handOff in handOffs.OrderBy(h => h.Revision))
        {
            var key = handOff.Row.RoomName + "\n" + handOff.Row.RoomSessionId;
            if (person.Rows.TryGetValue(key, out var held) && (held.Revision > handOff.Revision || SameAs(held, handOff)))
            {
                continue;
            }
            person.Rows[key] = new PersonSessionRow(handOff.Row, handOff.Revision) { Withdrawn = handOff.Withdrawn };
            changed = true;
        }
        return changed;
    }

    // Two withdrawals are the same whatever their rows hold (only their keys mean anything).
    private static bool SameAs(PersonSessionRow held, PersonHandOff handOff) =>
        held.Withdrawn == handOff.Withdrawn && (held.Withdrawn || held.Row == handOff.Row);

    private static GrainId Id(string personKey) => GrainId.Create(RecordType, personKey);
}
