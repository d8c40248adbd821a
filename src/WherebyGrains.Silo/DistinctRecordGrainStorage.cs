using System.Text;
using Orleans.Storage;
using WherebyGrains.Contracts;

namespace WherebyGrains.Silo;

/// <summary>
/// Gives every room and archived session a record of its own on Azure Table. Orleans' table
/// storage names a record (its PartitionKey) by the grain id with each of <c>/ \ # ?</c> replaced
/// by <c>_</c>, which keys may not hold: the rooms <c>/x#y</c> and <c>/x_y</c> would read and write
/// one record, and each would show the other's people. A room whose name holds one of those past
/// its leading <c>/</c>, and an archived session of such a room or whose id holds one of them or a
/// <c>_</c>, is stored under its state name followed by <c>~</c> and a hash of its whole grain id
/// (the RowKey), so no other grain shares its record. Every other room and session (Whereby's room
/// names are URL path segments and its session ids UUIDs: nearly all of them) keeps the record it
/// always had, because for those the replacement loses nothing: a tenant id holds no <c>_</c>, so
/// the first <c>_</c> is where the room name starts, and a session id without one ends at the last.
/// Records that such keys had before are not carried over: they were the ones that could be shared.
/// </summary>
internal sealed class DistinctRecordGrainStorage(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The grain type of rooms (Orleans' name for <c>RoomGrain</c>).</summary>
    public const string RoomType = "room";

    /// <summary>The grain type of archived sessions (Orleans' name for <c>ArchivedSessionGrain</c>).</summary>
    public const string RoomSessionType = "roomsession";

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(StateNameOf(stateName, grainId), grainId, grainState);

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.WriteStateAsync(StateNameOf(stateName, grainId), grainId, grainState);

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(StateNameOf(stateName, grainId), grainId, grainState);

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    /// <summary>The state name the table storage is given for <paramref name="grainId"/>'s record.</summary>
    public static string StateNameOf(string stateName, GrainId grainId) =>
        MaySharePartition(grainId) ? stateName + "~" + StoredHash.Hex(grainId.ToString()) : stateName;

    private static bool MaySharePartition(GrainId grainId)
    {
        var type = grainId.Type.ToString();
        if (type == RoomType)
        {
            var key = grainId.Key.ToString();
            var slash = key.IndexOf('/');
            return slash < 0 || Replaced(key.AsSpan(slash + 1));
        }
        if (type == RoomSessionType)
        {
            try
            {
                var (room, sessionId) = RoomSessionKey.Parse(grainId.Key.ToString());
                return Replaced(room.RoomName.AsSpan(1)) || sessionId.AsSpan().IndexOfAny("/\\#?_") >= 0;
            }
            catch (FormatException)
            {
                return true;
            }
        }
        return false;
    }

    private static bool Replaced(ReadOnlySpan<char> text) => text.IndexOfAny("/\\#?") >= 0;

    /// <summary>Puts this in front of the grain storage registered as <paramref name="name"/>.</summary>
    public static void Decorate(IServiceCollection services, string name)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, name));
        var create = registered.KeyedImplementationFactory
            ?? throw new InvalidOperationException($"Grain storage '{name}' is not registered by a factory, so it cannot be decorated.");
        services.Remove(registered);
        // Same key and lifetime: Orleans finds storage by its name, and its lifecycle participant
        // (which creates the table) by the same name, which this forwards to the table storage.
        services.Add(new ServiceDescriptor(typeof(IGrainStorage), name, (sp, key) => new DistinctRecordGrainStorage((IGrainStorage)create(sp, key)), registered.Lifetime));
    }
}
