using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// An archived stretch of a room, keyed by <see cref="RoomSessionKey"/> (the room and its first
/// session): the events of one or more closed sessions (those a stayer shared) and what lay between
/// them, kept out of the room's record. A late event for it lands here, corrects its numbers and its
/// people's rows (through the same outbox), and updates the room's index of each of its sessions.
/// </summary>
// The grain type its records are stored under (and keyed by) since before the rename.
[Reentrant, GrainType("roomsession")]
public sealed class ArchivedSessionGrain(
    [PersistentState("session", StorageNames.Grains)] IPersistentState<ArchivedSessionState> state,
    ITenantAttendanceSettings tenantSettings,
    PersonKeys personKeys,
    IPersonRecords records,
    [FromKeyedServices(AttendanceClock.Key)] TimeProvider clock,
    AttendanceMetrics metrics,
    StorageWriteGate gate,
    ILogger<ArchivedSessionGrain> logger) : Grain, IArchivedSessionGrain
{
    private RoomKey _room;
    private string _sessionId = "";
    private AttendanceLedger _ledger = null!;
    private IGrainTimer? _retry;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_room, _sessionId) = RoomSessionKey.Parse(this.GetPrimaryKeyString());
        state.State.RoomSessionId ??= _sessionId;
        _ledger = new AttendanceLedger(_room.TenantId, _room.RoomName, state.State, state.WriteStateAsync, tenantSettings.For(_room.TenantId), records, personKeys, clock, metrics, gate, logger);
        Deliver();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Hands off the rows the events call for and delivers the outbox, retrying (and keeping this
    /// grain active) until it is empty. Archived sessions see few events: no throttle is needed.
    /// </summary>
    private void Deliver()
    {
        _ledger.Settle(_ledger.Now, retryFailed: true);
        if (_ledger.Outbox.Count > 0)
        {
            _retry ??= this.RegisterGrainTimer(static (grain, _) => grain.RetryAsync(), this,
                new GrainTimerCreationOptions(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)) { KeepAlive = true });
        }
    }

    private async Task RetryAsync()
    {
        await _ledger.Outbox.Completion;
        if (_ledger.Outbox.Count == 0)
        {
            _retry?.Dispose();
            _retry = null;
            // Persist the emptied outbox, so that a later activation does not deliver it again.
            if (_ledger.Unwritten)
            {
                await _ledger.FlushAsync();
            }
            return;
        }
        _ledger.Outbox.StartDelivery();
    }

    /// <inheritdoc />
    public async Task ArchiveAsync(IReadOnlyList<WherebyEvent> events, IReadOnlyDictionary<string, ulong> handedOff, long revision)
    {
        var known = state.State.Events.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        state.State.Events.AddRange(events.Where(e => known.Add(e.Id)));
        foreach (var (key, fingerprint) in handedOff)
        {
            state.State.HandedOff[key] = fingerprint;
        }
        state.State.Revision = Math.Max(state.State.Revision, revision);
        _ledger.Reload();
        await _ledger.FlushAsync();
        Deliver();
    }

    /// <inheritdoc />
    public async Task<IngestOutcome> RecordAsync(WherebyEvent evt)
    {
        var outcome = await _ledger.RecordAsync(evt);
        Deliver();
        if (outcome == IngestOutcome.Accepted)
        {
            var now = _ledger.Now;
            var room = GrainFactory.GetGrain<IRoomCallbacks>(_room.ToString());
            foreach (var session in _ledger.Compute(now).Sessions)
            {
                await room.UpdateArchivedAsync(AttendanceViews.Session(_room.RoomName, session, now));
            }
        }
        return outcome;
    }

    /// <inheritdoc />
    public Task<RoomSessionView?> GetSessionAsync()
    {
        var now = _ledger.Now;
        var session = _ledger.Compute(now).Sessions.FirstOrDefault(s => s.RoomSessionId == _sessionId);
        return Task.FromResult(session is null ? null : AttendanceViews.Session(_room.RoomName, session, now));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ParticipantView>> GetParticipantsAsync() => GetParticipantsOfAsync(_sessionId);

    /// <inheritdoc />
    public Task<IReadOnlyList<ParticipantView>> GetParticipantsOfAsync(string roomSessionId)
    {
        var now = _ledger.Now;
        return Task.FromResult<IReadOnlyList<ParticipantView>>(
            [.. _ledger.Compute(now).Connections.SelectMany(c => AttendanceViews.Participants(_room.RoomName, c, roomSessionId, now))]);
    }
}
