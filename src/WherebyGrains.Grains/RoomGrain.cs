using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Storage;
using WherebyGrains.Attendance;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// One room of one tenant: a thin shell around its parts. The ledger dedupes and holds its events
/// (durable in the journal first, written to the room's record behind), computes attendance with
/// the rules and hands people's rows off; the archive moves closed sessions out; the registration
/// lists the room and its sessions; the schedule wakes it when something is due. Reentrant, so that
/// events arriving together share one write and one computation; every state change happens within
/// a turn, before any await.
/// </summary>
[Reentrant]
public sealed class RoomGrain(
    [PersistentState("room", StorageNames.Grains)] IPersistentState<RoomState> state,
    ITenantAttendanceSettings tenantSettings,
    IOptions<SessionsOptions> options,
    PersonKeys personKeys,
    IPersonRecords records,
    [FromKeyedServices(AttendanceClock.Key)] TimeProvider clock,
    TimeProvider runtimeClock,
    AttendanceMetrics metrics,
    StorageWriteGate gate,
    ILogger<RoomGrain> logger) : Grain, IRoomGrain, IRoomCallbacks, IRemindable
{
    private static readonly TimeSpan OutboxRetry = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaintenanceRetry = TimeSpan.FromSeconds(1);

    private RoomKey _key;
    private AttendanceLedger _ledger = null!;
    private RoomArchiver _archive = null!;
    private RoomRegistration _registration = null!;
    private RoomSchedule _schedule = null!;
    private RoomWriteBehind _writeBehind = null!;
    private SettleThrottle _settle = null!;
    private RoomAttendance? _reported;
    private bool _stale;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        _key = RoomKey.Parse(this.GetPrimaryKeyString());
        _ledger = new AttendanceLedger(_key.TenantId, _key.RoomName, state.State, PersistAsync, tenantSettings.For(_key.TenantId), records, personKeys, clock, metrics, gate, logger);
        _archive = new RoomArchiver(_key, state.State, _ledger, settings, GrainFactory, logger);
        _writeBehind = new RoomWriteBehind(this, _key, _ledger, settings.WriteBehind, runtimeClock, logger);
        _registration = new RoomRegistration(_key, state.State, _archive, GrainFactory, ServiceProvider.GetService<ISessionEntryTable>(), metrics, MarkUnwritten,
            after => _schedule.NoLaterThan(_ledger.Now + (long)after.TotalMilliseconds), logger);
        _schedule = new RoomSchedule(this, MaintainOnceAsync, clock, logger);
        _settle = new SettleThrottle(this, runtimeClock, settings.SettleInterval, () => Settle(_ledger.Now));
        await _schedule.StartAsync(state.RecordExists);

        // A session may have ended (by inference) while no activation was here to see it.
        _ledger.Outbox.StartDelivery();
        _schedule.At(TimeSpan.Zero);
    }

    /// <inheritdoc />
    public async Task<ApplyOutcome> ApplyAsync(WherebyEvent evt)
    {
        if (await _archive.OutcomeAsync(evt) is { } archived)
        {
            return new ApplyOutcome(New: archived == IngestOutcome.Accepted, Durable: true);
        }
        var outcome = _ledger.Apply(evt);
        if (outcome.New)
        {
            _writeBehind.Schedule();
            _settle.Request();
        }
        return outcome;
    }

    /// <inheritdoc />
    public Task ReleaseAsync(string eventId)
    {
        _ledger.Release(eventId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task CheckpointAsync(IReadOnlyList<WherebyEvent> events) => Task.WhenAll(events.Select(RecordDurablyAsync));

    /// <summary>Takes one event and completes once the room's record (or its archive's) holds it.</summary>
    private async Task RecordDurablyAsync(WherebyEvent evt)
    {
        if (await _archive.OutcomeAsync(evt) is not null)
        {
            return;
        }
        // A duplicate changes nothing to settle: above all the drainer's confirmation of every
        // event the room already holds, which would recompute every room once more.
        if (await _ledger.RecordAsync(evt) == IngestOutcome.Accepted)
        {
            _settle.Request();
        }
    }

    /// <inheritdoc />
    public Task UpdateArchivedAsync(RoomSessionView summary)
    {
        if (!_archive.Update(summary))
        {
            return Task.CompletedTask;
        }
        // The room's totals changed: its listing too.
        var now = _ledger.Now;
        _registration.Start(_ledger.Compute(now), now);
        return _ledger.FlushAsync();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WherebyEvent>> GetRecordedEventsAsync() =>
        Task.FromResult<IReadOnlyList<WherebyEvent>>([.. state.State.Events.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal)]);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RoomSessionView>> GetSessionsAsync()
    {
        var now = _ledger.Now;
        var attendance = _ledger.Compute(now);
        var history = await Task.WhenAll(state.State.HistoryMonths.Select(month =>
            GrainFactory.GetGrain<IRoomHistoryGrain>(IRoomHistoryGrain.KeyFor(_key, month)).GetSessionsAsync()));
        return RoomViews.Sessions(_key.RoomName, state.State, attendance, now, history.SelectMany(h => h));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ParticipantView>> GetParticipantsAsync(string? roomSessionId)
    {
        if (roomSessionId is not null && _archive.RecordOf(roomSessionId) is { } archived)
        {
            return await archived.GetParticipantsOfAsync(roomSessionId);
        }
        var now = _ledger.Now;
        return RoomViews.Participants(_key.RoomName, _ledger.Compute(now), roomSessionId, now);
    }

    /// <inheritdoc />
    public Task<RoomSummary> GetSummaryAsync()
    {
        // One instant for the computation and the view (and one cache entry).
        var now = _ledger.Now;
        return Task.FromResult(RoomViews.Summary(_key.RoomName, state.State, _ledger.Compute(now), now));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AttendanceRow>> GetAttendanceAsync(string personId)
    {
        var now = _ledger.Now;
        return Task.FromResult(RoomViews.Attendance(_key.RoomName, _ledger.Compute(now), personId, now));
    }

    /// <inheritdoc />
    public Task<PresenceView> GetPresenceAsync() =>
        Task.FromResult(AttendanceViews.Presence(_key.RoomName, _ledger.Compute(_ledger.Now).Presence));

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Forget(this.GetPrimaryKeyString());
        if (_stale)
        {
            // Another activation owns the room: this one's view must neither be written nor fit its reminder.
            return Task.CompletedTask;
        }
        // What was applied but not yet written (if this fails, the journal still has it), and the
        // reminder fitted to the work due, now that no timer will do it.
        var now = _ledger.Now;
        return Task.WhenAll(
            _writeBehind.FlushAsync(cancellationToken),
            _schedule.LeaveAsync(NextMaintenance(_ledger.Compute(now), now), cancellationToken));
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status) => _schedule.TickedAsync(status);

    /// <summary>
    /// Computes attendance as of <paramref name="now"/> for everything recorded, and does what follows
    /// from it: hand-offs to people, directory entries, metrics, the next maintenance.
    /// </summary>
    private RoomAttendance Settle(long now, bool retryFailed = false)
    {
        _settle.Ran();
        var attendance = _ledger.Settle(now, retryFailed);
        if (NextMaintenance(attendance, now) is { } dueIn)
        {
            _schedule.NoLaterThan(now + (long)dueIn.TotalMilliseconds);
        }
        _registration.Start(attendance, now);
        ReportMetrics(attendance, now);
        return attendance;
    }

    /// <summary>
    /// One maintenance pass (<see cref="RoomSchedule"/> runs one at a time): sessions ending by
    /// inference (hand-offs to persons), the outbox retried, closed sessions archived, and the next
    /// wake-up planned.
    /// </summary>
    private async Task MaintainOnceAsync()
    {
        metrics.Maintained(_key.TenantId);
        var now = _ledger.Now;
        var attendance = Settle(now, retryFailed: true);
        // Hand-off bookkeeping joins the next checkpoint rather than costing a write each pass: lost
        // in a crash, the rows are derived and handed off again, which people's records take idempotently.
        if (_ledger.Unwritten)
        {
            _writeBehind.Schedule();
        }
        await _archive.MaintainAsync(now, attendance);
        attendance = _ledger.Compute(now);
        ReportMetrics(attendance, now);
        // Due already after this pass means the pass could not do it (hand-offs of a session to
        // archive still undelivered): not again at once, or the room spins on its own thread.
        var next = NextMaintenance(attendance, now);
        _schedule.At(next <= TimeSpan.Zero ? MaintenanceRetry : next);
        await _schedule.KeepReminderAsync(next);
    }

    /// <summary>When maintenance is next due after <paramref name="now"/>, or null when nothing is.</summary>
    private TimeSpan? NextMaintenance(RoomAttendance attendance, long now)
    {
        long? due = null;
        void Add(long? at) => due = at is { } a && (due is not { } d || a < d) ? a : due;
        Add(attendance.NextChangeAt);
        Add(_ledger.Outbox.Count > 0 ? now + (long)OutboxRetry.TotalMilliseconds : null);
        Add(_archive.NextDue(attendance));
        // A live session can end at any time by inference once people leave; look again then.
        Add(attendance.HasLiveSession ? now + (long)Math.Max(1000, _ledger.Settings.EndGrace.TotalMilliseconds) : null);
        return due is { } at ? TimeSpan.FromMilliseconds(Math.Max(0, at - now)) : null;
    }

    /// <summary>
    /// What a settling computed, reported (metrics never cost a computation of their own): gauges,
    /// and each session's end once, across activations (the ends reported are written with the room).
    /// </summary>
    private void ReportMetrics(RoomAttendance attendance, long now)
    {
        if (ReferenceEquals(attendance, _reported))
        {
            return;
        }
        _reported = attendance;
        var ended = attendance.Sessions.Where(s => s.EndedAt is not null && state.State.EndedCounted.Add(s.RoomSessionId)).ToList();
        metrics.Report(this.GetPrimaryKeyString(), _key.TenantId, attendance, now, ended, _ledger.Outbox.Count);
        if (ended.Count > 0)
        {
            MarkUnwritten();
            // A session ended and none is live: the room is idle, the moment a checkpoint is worth most.
            if (!attendance.HasLiveSession)
            {
                _writeBehind.SessionEnded();
            }
        }
    }

    /// <summary>Records a change of the room's own bookkeeping (not an event), written with the next write-behind.</summary>
    private void MarkUnwritten()
    {
        _ledger.MarkUnwritten();
        _writeBehind.Schedule();
    }

    private async Task PersistAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote this room (e.g. after a cluster split): this one's view is stale.
            _stale = true;
            DeactivateOnIdle();
            throw;
        }
    }
}
