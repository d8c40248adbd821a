using Microsoft.Extensions.Logging;
using WherebyGrains.Attendance;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// The part a room grain and an archived-session grain share: it dedupes events, makes them
/// durable in batches (one write in flight, every event waiting shares the next), and, when its
/// grain settles it, computes attendance and hands people's rows to its <see cref="Outbox"/>.
/// </summary>
/// <remarks>
/// <para>
/// A write holds only what acknowledgement needs: the events. Attendance is computed when the
/// grain settles (throttled under load), so a burst of events costs one computation, not one each.
/// </para>
/// <para>
/// Hand-offs need no write of their own: the rows are a function of the events, and the marks of
/// what was handed off change together with the outbox, in memory, and reach storage together with
/// the next write. A crash before that loses marks and outbox alike, so the rows are derived and
/// handed off again, which the person records take idempotently.
/// </para>
/// <para>Used only from within one grain's turns: not thread-safe, and needs no locks.</para>
/// </remarks>
public sealed class AttendanceLedger
{
    private readonly LedgerState _state;
    private readonly Func<Task> _persist;
    private readonly PersonKeys _personKeys;
    private readonly TimeProvider _clock;
    private readonly AttendanceMetrics _metrics;
    private readonly StateWriteBatcher _writes;
    private readonly HashSet<string> _recorded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _unacknowledged = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _applied = new(StringComparer.Ordinal);
    private readonly HashSet<string> _released = new(StringComparer.Ordinal);
    private List<RoomEvent> _roomEvents = [];
    private (long Revision, long Now, RoomAttendance Result)? _cache;

    /// <summary>Wraps <paramref name="state"/>, persisted by <paramref name="persist"/>.</summary>
    public AttendanceLedger(
        string tenantId,
        string roomName,
        LedgerState state,
        Func<Task> persist,
        AttendanceSettings settings,
        IPersonRecords records,
        PersonKeys personKeys,
        TimeProvider clock,
        AttendanceMetrics metrics,
        StorageWriteGate gate,
        ILogger logger)
    {
        TenantId = tenantId;
        RoomName = roomName;
        Settings = settings;
        _state = state;
        _persist = persist;
        _personKeys = personKeys;
        _clock = clock;
        _metrics = metrics;
        _writes = new StateWriteBatcher(WriteAsync, gate);
        Outbox = new PersonOutbox(tenantId, roomName, state.Outbox, records, clock, metrics, MarkUnwritten, logger);
        Reload();
    }

    /// <summary>The tenant.</summary>
    public string TenantId { get; }

    /// <summary>The room.</summary>
    public string RoomName { get; }

    /// <summary>The rules' settings for this tenant.</summary>
    public AttendanceSettings Settings { get; }

    /// <summary>The events held.</summary>
    public IReadOnlyList<WherebyEvent> Events => _state.Events;

    /// <summary>Writes started so far (for tests and metrics).</summary>
    public long WritesStarted => _writes.WritesStarted;

    /// <summary>People's rows handed off and not yet delivered.</summary>
    public PersonOutbox Outbox { get; }

    /// <summary>The current time in Unix ms.</summary>
    public long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>True when the event id is held here.</summary>
    public bool Contains(string eventId) => _recorded.Contains(eventId);

    /// <summary>Rebuilds the in-memory indexes after the state was replaced or trimmed.</summary>
    public void Reload()
    {
        _recorded.Clear();
        _roomEvents = new List<RoomEvent>(_state.Events.Count);
        foreach (var evt in _state.Events)
        {
            _recorded.Add(evt.Id);
            if (AttendanceViews.ToRoomEvent(evt) is { } roomEvent)
            {
                _roomEvents.Add(roomEvent);
            }
        }
        _cache = null;
    }

    /// <summary>
    /// Records <paramref name="evt"/> and returns once it is durable. Of all deliveries of one
    /// event, the first to see it durable is <see cref="IngestOutcome.Accepted"/>.
    /// </summary>
    public async Task<IngestOutcome> RecordAsync(WherebyEvent evt)
    {
        long version;
        if (_recorded.Add(evt.Id))
        {
            version = Add(evt);
            _unacknowledged[evt.Id] = version;
        }
        else if (_applied.TryGetValue(evt.Id, out var applied))
        {
            // Held ahead of its write (and acknowledged through the journal): a duplicate, once durable here.
            await _writes.WhenDurableAsync(applied);
            return IngestOutcome.Duplicate;
        }
        else if (!_unacknowledged.TryGetValue(evt.Id, out version))
        {
            return IngestOutcome.Duplicate;
        }

        await _writes.WhenDurableAsync(version);
        Outbox.StartDelivery(retryFailed: false);
        if (!_unacknowledged.Remove(evt.Id))
        {
            return IngestOutcome.Duplicate;
        }
        _metrics.Applied(TenantId, evt.Type);
        return IngestOutcome.Accepted;
    }

    /// <summary>
    /// Holds <paramref name="evt"/> in memory at once; <see cref="PersistAsync"/> writes it later.
    /// The caller has made it durable elsewhere (the journal) before acknowledging it.
    /// </summary>
    public ApplyOutcome Apply(WherebyEvent evt)
    {
        if (_recorded.Add(evt.Id))
        {
            _applied[evt.Id] = Add(evt);
            _metrics.Applied(TenantId, evt.Type);
            return new ApplyOutcome(New: true, Durable: false);
        }
        var durable = (_applied.TryGetValue(evt.Id, out var version) || _unacknowledged.TryGetValue(evt.Id, out version)) ? _writes.IsDurable(version) : true;
        // A first delivery whose acknowledgement failed leaves the next one to be the new one.
        return new ApplyOutcome(New: _released.Remove(evt.Id), Durable: durable);
    }

    /// <summary>Marks the applied delivery of <paramref name="eventId"/> as not acknowledged.</summary>
    public void Release(string eventId)
    {
        // Whereby retries within seconds: a bound keeps releases that never see a retry from piling up.
        if (_recorded.Contains(eventId) && _released.Count < 10_000)
        {
            _released.Add(eventId);
        }
    }

    /// <summary>Writes everything held (applied events included) and completes once it is in storage.</summary>
    public async Task PersistAsync()
    {
        if (_applied.Count == 0 && !Unwritten)
        {
            return;
        }
        var version = _writes.MarkChanged();
        await _writes.WhenDurableAsync(version);
        foreach (var id in _applied.Where(a => a.Value <= version).Select(a => a.Key).ToList())
        {
            _applied.Remove(id);
        }
    }

    private long Add(WherebyEvent evt)
    {
        _state.Events.Add(evt);
        if (evt.ReceivedAt != default)
        {
            Outbox.Received(evt.ReceivedAt);
        }
        if (AttendanceViews.ToRoomEvent(evt) is { } roomEvent)
        {
            _roomEvents.Add(roomEvent);
        }
        _state.Revision++;
        _cache = null;
        return _writes.MarkChanged();
    }

    /// <summary>Removes events (archived elsewhere) from this ledger; the caller persists.</summary>
    public void Remove(IReadOnlySet<string> eventIds, IEnumerable<string> handedOffSessions)
    {
        _state.Events.RemoveAll(e => eventIds.Contains(e.Id));
        var sessions = handedOffSessions.Select(s => s + "\n").ToList();
        foreach (var key in _state.HandedOff.Keys.Where(k => sessions.Any(s => k.StartsWith(s, StringComparison.Ordinal))).ToList())
        {
            _state.HandedOff.Remove(key);
        }
        _state.Revision++;
        Reload();
    }

    /// <summary>The events held, as the rules see them.</summary>
    public IReadOnlyList<RoomEvent> RoomEvents => _roomEvents;

    /// <summary>The rules applied to the events held, as of <paramref name="now"/> (cached per revision and instant).</summary>
    public RoomAttendance Compute(long now)
    {
        if (_cache is { } cached && cached.Revision == _state.Revision && cached.Now == now)
        {
            return cached.Result;
        }
        var result = RoomTimeline.Compute(_roomEvents, now, Settings);
        _cache = (_state.Revision, now, result);
        return result;
    }

    /// <summary>
    /// Makes the current state durable, for changes made outside <see cref="RecordAsync"/>: hand-off
    /// bookkeeping, archiving.
    /// </summary>
    public async Task FlushAsync()
    {
        _state.Revision++;
        _cache = null;
        await _writes.WhenDurableAsync(_writes.MarkChanged());
    }

    /// <summary>True when state other than events (hand-off marks, the outbox, the grain's bookkeeping) changed since the last write started.</summary>
    public bool Unwritten { get; private set; }

    /// <summary>Says that the grain changed state beside the events: the next <see cref="PersistAsync"/> writes it.</summary>
    public void MarkUnwritten() => Unwritten = true;

    /// <summary>
    /// Computes attendance as of <paramref name="now"/>, puts the rows it calls for in the outbox
    /// (people who appeared, sessions that ended, rows a late event changed) and starts delivering them.
    /// </summary>
    public RoomAttendance Settle(long now, bool retryFailed)
    {
        var attendance = Compute(now);
        var handOffs = PersonHandOffs.Diff(TenantId, RoomName, attendance, attendance.Sessions, now, _state.Revision, _state.HandedOff, _personKeys);
        if (handOffs.Count > 0)
        {
            Unwritten = true;
        }
        Outbox.Settled(handOffs, retryFailed);
        return attendance;
    }

    private async Task WriteAsync()
    {
        // The write persists the state as it is now, hand-off bookkeeping included; if it fails,
        // that is still unwritten, and the next write must carry it.
        Unwritten = false;
        try
        {
            await _persist();
        }
        catch
        {
            Unwritten = true;
            throw;
        }
    }
}
