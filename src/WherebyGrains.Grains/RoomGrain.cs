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
/// One room of one tenant: dedupes its events, makes them durable before they are acknowledged,
/// and serves presence, sessions and connections computed by the rules. Reentrant so that events
/// arriving together share one storage write; every state change happens within a turn, before
/// any await. Closed sessions move to their own records after a while (bounded hot state), and
/// late events for them are routed there.
/// </summary>
[Reentrant]
public sealed partial class RoomGrain(
    [PersistentState("room", StorageNames.Grains)] IPersistentState<RoomState> state,
    ITenantAttendanceSettings tenantSettings,
    IOptions<RoomGrainOptions> options,
    PersonKeys personKeys,
    IPersonRecords records,
    [FromKeyedServices(AttendanceClock.Key)] TimeProvider clock,
    TimeProvider runtimeClock,
    AttendanceMetrics metrics,
    StorageWriteGate gate,
    ILogger<RoomGrain> logger) : Grain, IRoomGrain, IRoomCallbacks, IRemindable
{
    private const string MaintenanceReminder = "maintenance";
    private static readonly TimeSpan OutboxRetry = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaintenanceRetry = TimeSpan.FromSeconds(1);

    private readonly RoomGrainOptions _options = options.Value;
    private RoomKey _key;
    private AttendanceLedger _ledger = null!;
    private IGrainTimer? _timer;
    // The period of the reminder as this activation knows it: null for none, Unknown when one
    // exists whose period activation did not read (the next pass registers the right one).
    private TimeSpan? _reminderPeriod;
    private static readonly TimeSpan UnknownPeriod = TimeSpan.MinValue;
    private bool _maintaining;
    private long? _timerDueAt;
    private RoomAttendance? _reported;
    private Task _registration = Task.CompletedTask;
    private bool _maintainAgain;
    private long? _lastSettle;
    private IGrainTimer? _settleTimer;
    private IGrainTimer? _writeTimer;
    private int _writeBehindRetries;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = RoomKey.Parse(this.GetPrimaryKeyString());
        _ledger = new AttendanceLedger(_key.TenantId, _key.RoomName, state.State, PersistAsync, tenantSettings.For(_key.TenantId), records, personKeys, clock, metrics, gate, logger);
        // A room that has never written its record (nearly every activation under load: a new
        // meeting) skips the reminder read. It can have a reminder only if it crashed between
        // registering one and its first write; that reminder's first tick says so (below).
        _reminderPeriod = state.RecordExists && await this.GetReminder(MaintenanceReminder) is not null ? UnknownPeriod : null;

        // Reconcile: a session may have ended (by inference) while no activation was here to see it.
        _ledger.StartDelivery();
        ScheduleMaintenance(TimeSpan.Zero);
    }

    /// <inheritdoc />
    public Task CheckpointAsync(IReadOnlyList<WherebyEvent> events) => Task.WhenAll(events.Select(RecordDurablyAsync));

    /// <summary>Takes one event and completes once the room's record holds it: for the journal's drainer.</summary>
    private async Task<IngestOutcome> RecordDurablyAsync(WherebyEvent evt)
    {
        if (await ArchivedOutcomeAsync(evt) is { } archived)
        {
            return archived;
        }
        var outcome = await _ledger.RecordAsync(evt);
        if (outcome == IngestOutcome.Accepted)
        {
            // A duplicate changes nothing to settle: above all the drainer's confirmation, 15 s
            // later, of every event the room already holds, which recomputed every room once more.
            RequestSettle();
        }
        return outcome;
    }

    /// <inheritdoc />
    public async Task<ApplyOutcome> ApplyAsync(WherebyEvent evt)
    {
        if (await ArchivedOutcomeAsync(evt) is { } archived)
        {
            return new ApplyOutcome(New: archived == IngestOutcome.Accepted, Durable: true);
        }
        var outcome = _ledger.Apply(evt);
        if (outcome.New)
        {
            ScheduleWrite(_options.WriteBehind);
            RequestSettle();
        }
        return outcome;
    }

    /// <summary>
    /// For an event of an archived session: a duplicate if its id was archived, else what the
    /// session's record (which writes at once: late events are rare) made of it. Null otherwise.
    /// </summary>
    private async ValueTask<IngestOutcome?> ArchivedOutcomeAsync(WherebyEvent evt)
    {
        if (_ledger.Contains(evt.Id))
        {
            return null;
        }
        if (state.State.ArchivedEventIds.ContainsKey(TextHash.Of(evt.Id)))
        {
            return IngestOutcome.Duplicate;
        }
        return FindArchived(evt) is { } archived ? await SessionGrain(archived.RecordId).RecordAsync(evt) : null;
    }

    /// <inheritdoc />
    public Task ReleaseAsync(string eventId)
    {
        _ledger.Release(eventId);
        return Task.CompletedTask;
    }

    /// <summary>Records a change of the room's own bookkeeping (not an event), written with the next write-behind.</summary>
    private void MarkUnwritten()
    {
        _ledger.MarkUnwritten();
        ScheduleWrite(_options.WriteBehind);
    }

    /// <summary>Writes what was applied after <paramref name="delay"/>, unless a write is already due.</summary>
    private void ScheduleWrite(TimeSpan delay)
    {
        _writeTimer ??= this.RegisterGrainTimer(static (grain, _) => grain.WriteBehindAsync(), this,
            new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
    }

    private async Task WriteBehindAsync()
    {
        _writeTimer?.Dispose();
        _writeTimer = null;
        try
        {
            await _ledger.PersistAsync();
            if (_writeBehindRetries > 0)
            {
                LogWriteBehindRecovered(_key.TenantId, _key.RoomName, _writeBehindRetries);
                _writeBehindRetries = 0;
            }
        }
        catch (Exception e)
        {
            // The events are in the journal: nothing is lost, and the write is tried again. The
            // first failure is a warning with its trace; the retries of an outage are one line each,
            // at debug, so that a storage outage does not write a trace per room every few seconds.
            if (_writeBehindRetries++ == 0)
            {
                LogWriteBehindFailed(e, _key.TenantId, _key.RoomName);
            }
            else
            {
                LogWriteBehindRetryFailed(_key.TenantId, _key.RoomName, _writeBehindRetries, e.GetType().Name);
            }
            ScheduleWrite(_options.WriteBehind * 2);
        }
    }

    /// <summary>
    /// Settles now if the room has not settled for <see cref="RoomGrainOptions.SettleInterval"/>,
    /// else once that has passed: events that arrive together share one computation.
    /// </summary>
    private void RequestSettle()
    {
        if (_settleTimer is not null)
        {
            return;
        }
        // A throttle of CPU work, not attendance time: the runtime's clock, not the attendance clock.
        var since = _lastSettle is { } last ? runtimeClock.GetElapsedTime(last) : TimeSpan.MaxValue;
        if (since >= _options.SettleInterval)
        {
            Settle();
            return;
        }
        _settleTimer = this.RegisterGrainTimer(static (grain, _) =>
        {
            grain._settleTimer?.Dispose();
            grain._settleTimer = null;
            grain.Settle();
            return Task.CompletedTask;
        }, this, new GrainTimerCreationOptions(_options.SettleInterval - since, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
    }

    /// <summary>
    /// Computes attendance once for everything recorded since the last time, and does what follows
    /// from it: hand-offs to people, directory entries, metrics, the next maintenance.
    /// </summary>
    private RoomAttendance Settle(bool retryFailed = false)
    {
        _lastSettle = runtimeClock.GetTimestamp();
        var attendance = _ledger.Settle(_ledger.Now, retryFailed);
        ScheduleAfterSettle();
        StartRegistration();
        ReportMetrics();
        return attendance;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WherebyEvent>> GetRecordedEventsAsync() =>
        Task.FromResult<IReadOnlyList<WherebyEvent>>([.. state.State.Events.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal)]);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RoomSessionView>> GetSessionsAsync()
    {
        var now = _ledger.Now;
        var live = _ledger.Compute(now).Sessions.Select(s => AttendanceViews.Session(_key.RoomName, s, now)).ToList();
        var history = await Task.WhenAll(state.State.HistoryMonths.Select(month =>
            GrainFactory.GetGrain<IRoomHistoryGrain>(IRoomHistoryGrain.KeyFor(_key, month)).GetSessionsAsync()));
        return [.. history.SelectMany(h => h).Concat(state.State.Archived.Select(a => a.Summary)).Concat(live)
            .OrderByDescending(s => s.StartedAt).ThenBy(s => s.RoomSessionId, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ParticipantView>> GetParticipantsAsync(string? roomSessionId)
    {
        if (roomSessionId is not null && state.State.Archived.FirstOrDefault(a => a.RoomSessionId == roomSessionId) is { } archived)
        {
            return await SessionGrain(archived.RecordId).GetParticipantsOfAsync(roomSessionId);
        }
        var now = _ledger.Now;
        return [.. _ledger.Compute(now).Connections.SelectMany(c => AttendanceViews.Participants(_key.RoomName, c, roomSessionId, now))];
    }

    /// <inheritdoc />
    public Task<RoomSummary> GetSummaryAsync()
    {
        var now = _ledger.Now;
        var attendance = _ledger.Compute(now);
        var sessions = state.State.Archived.Select(a => a.Summary)
            .Concat(attendance.Sessions.Select(s => AttendanceViews.Session(_key.RoomName, s, now)))
            .ToList();
        var people = state.State.Archived.SelectMany(a => a.PersonHashes)
            .Concat(attendance.Sessions.SelectMany(s => s.People).Select(p => TextHash.Of(p.PersonId)))
            .Concat(state.State.HistoryPeople)
            .Distinct()
            .Count();
        // What moved to history counts through its totals: the rooms list reads no history record.
        var totals = new RoomTotals();
        foreach (var s in sessions)
        {
            totals.Add(s);
        }
        var history = state.State.HistoryTotals;
        return Task.FromResult(new RoomSummary
        {
            RoomName = _key.RoomName,
            FirstSessionStartedAt = Earliest(totals.FirstSessionStartedAt, history.FirstSessionStartedAt),
            LastSessionStartedAt = Latest(totals.LastSessionStartedAt, history.LastSessionStartedAt),
            TotalSessions = totals.Sessions + history.Sessions,
            TotalParticipantMinutes = totals.ParticipantMinutes + history.ParticipantMinutes,
            TotalParticipantSeconds = totals.ParticipantSeconds + history.ParticipantSeconds,
            TotalUniqueParticipants = people,
            PeakParticipants = Math.Max(totals.PeakParticipants, history.PeakParticipants),
            TotalRecorderMinutes = totals.RecorderMinutes + history.RecorderMinutes,
            TotalStreamerMinutes = totals.StreamerMinutes + history.StreamerMinutes,
            // Summed, not distinct: archived sessions keep only their counts (RoomSummary says so).
            TotalUniqueRecorders = totals.UniqueRecorders + history.UniqueRecorders,
            TotalUniqueStreamers = totals.UniqueStreamers + history.UniqueStreamers,
        });
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is { } x && (b is not { } y || x <= y) ? x : b;

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is { } x && (b is not { } y || x >= y) ? x : b;

    /// <inheritdoc />
    public Task<IReadOnlyList<AttendanceRow>> GetAttendanceAsync(string personId)
    {
        var now = _ledger.Now;
        return Task.FromResult<IReadOnlyList<AttendanceRow>>([.. _ledger.Compute(now).Sessions
            .SelectMany(s => s.People.Where(p => p.PersonId == personId).Select(p => AttendanceViews.Row(_key.RoomName, s, p, now)))]);
    }

    /// <inheritdoc />
    public Task<PresenceView> GetPresenceAsync() =>
        Task.FromResult(AttendanceViews.Presence(_key.RoomName, _ledger.Compute(_ledger.Now).Presence));

    /// <inheritdoc />
    public Task UpdateArchivedAsync(RoomSessionView summary)
    {
        var index = state.State.Archived.FindIndex(a => a.RoomSessionId == summary.RoomSessionId);
        if (index < 0 || state.State.Archived[index].Summary == summary)
        {
            return Task.CompletedTask;
        }
        state.State.Archived[index] = state.State.Archived[index] with { Summary = summary };
        return _ledger.FlushAsync();
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Forget(this.GetPrimaryKeyString());
        try
        {
            // What was applied but not yet written; if this fails, the journal still has it.
            await _ledger.PersistAsync().WaitAsync(cancellationToken);
        }
        catch (Exception e)
        {
            LogWriteBehindFailed(e, _key.TenantId, _key.RoomName);
        }
    }

    /// <summary>
    /// Counts sessions that ended since the last report and sets the room's gauges, from what the
    /// last settling computed: metrics never cost a computation of their own.
    /// </summary>
    private void ReportMetrics()
    {
        if (_ledger.LastSettled is not { } written || ReferenceEquals(written.Attendance, _reported))
        {
            return;
        }
        _reported = written.Attendance;
        var (attendance, now) = written;
        foreach (var session in attendance.Sessions.Where(s => s.EndedAt is not null && !state.State.EndedCounted.Contains(s.RoomSessionId)))
        {
            state.State.EndedCounted.Add(session.RoomSessionId);
            metrics.Ended(_key.TenantId, session, now);
            // Written, so that a later activation does not count the session's end again.
            MarkUnwritten();
        }
        metrics.Report(
            this.GetPrimaryKeyString(),
            _key.TenantId,
            attendance.Sessions.Any(s => s.EndedAt is null) ? 1 : 0,
            attendance.Presence.Participants.Where(c => c.IsPerson).Select(c => c.PersonId).Distinct(StringComparer.Ordinal).Count(),
            _ledger.OutboxCount);
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // It exists, whatever activation guessed: maintenance unregisters it when nothing needs it.
        _reminderPeriod = status.Period;
        return MaintainAsync();
    }

    /// <summary>
    /// What happens without new events: sessions ending by inference (hand-offs to persons),
    /// the outbox retried, closed sessions archived, and the next wake-up planned.
    /// </summary>
    private async Task MaintainAsync()
    {
        _timerDueAt = null;
        // The grain is reentrant: a timer and a reminder (or two timers) could otherwise interleave here.
        if (_maintaining)
        {
            _maintainAgain = true;
            return;
        }
        _maintaining = true;
        try
        {
            do
            {
                _maintainAgain = false;
                await MaintainOnceAsync();
            }
            while (_maintainAgain);
        }
        finally
        {
            _maintaining = false;
        }
    }

    private async Task MaintainOnceAsync()
    {
        // Hand-offs of sessions that ended by inference, retries of the outbox, and the bookkeeping
        // of both persisted, so that rows already handed off are not handed off again.
        metrics.Maintained(_key.TenantId);
        var attendance = Settle(retryFailed: true);
        var now = _ledger.LastSettled!.Value.Now;
        if (_ledger.Unwritten)
        {
            await _ledger.FlushAsync();
        }
        await ArchiveClosedSessionsAsync(now, attendance);
        PruneArchivedIds(now);
        await MoveToHistoryAsync(now);

        ReportMetrics();
        // Due already after this pass means the pass could not do it (hand-offs of a session to
        // archive still undelivered): not again at once, or the room spins on its own thread.
        var next = NextMaintenance(_ledger.Compute(now), now);
        if (next <= TimeSpan.Zero)
        {
            next = MaintenanceRetry;
        }
        ScheduleMaintenance(next);
        await KeepReminderAsync(MaintenanceWakeUp.ReminderPeriod(next));
    }

    private TimeSpan? NextMaintenance(RoomAttendance attendance, long now)
    {
        var due = new List<long>();
        if (attendance.NextChangeAt is { } change)
        {
            due.Add(change);
        }
        if (_ledger.OutboxCount > 0)
        {
            due.Add(now + (long)OutboxRetry.TotalMilliseconds);
        }
        // Only a stretch the archive can take: sessions that someone still in the room holds wait
        // for the event (or the abandoning) that closes them, which settles and looks again.
        if (RoomArchive.NextStretchEnd(attendance, ArchivedUntil) is { } stretchEnd)
        {
            var lastReceived = state.State.Events.Count == 0 ? 0 : state.State.Events.Max(e => e.ReceivedAt).ToUnixTimeMilliseconds();
            due.Add(Math.Max(stretchEnd + (long)_options.ArchiveAfter.TotalMilliseconds, lastReceived + (long)_options.ArchiveQuietPeriod.TotalMilliseconds));
        }
        if (attendance.Sessions.Any(s => s.EndedAt is null))
        {
            // A live session can end at any time by inference once people leave; look again then.
            due.Add(now + (long)Math.Max(1000, _ledger.Settings.EndGrace.TotalMilliseconds));
        }
        return due.Count == 0 ? null : TimeSpan.FromMilliseconds(Math.Max(0, due.Min() - now));
    }

    /// <summary>Moves the maintenance timer earlier if the last settling calls for it; never later.</summary>
    private void ScheduleAfterSettle()
    {
        if (_ledger.LastSettled is not { } written || NextMaintenance(written.Attendance, written.Now) is not { } dueIn)
        {
            return;
        }
        var dueAt = written.Now + (long)dueIn.TotalMilliseconds;
        if (_timerDueAt is { } current && current <= dueAt)
        {
            return;
        }
        ScheduleMaintenance(TimeSpan.FromMilliseconds(Math.Max(0, dueAt - _ledger.Now)));
    }

    private void ScheduleMaintenance(TimeSpan? dueIn)
    {
        // Event times far ahead would overflow Orleans' timer: look again within a day instead.
        dueIn = TimerDue.Clamp(dueIn);
        _timerDueAt = dueIn is { } wait ? _ledger.Now + (long)wait.TotalMilliseconds : null;
        _timer?.Dispose();
        _timer = dueIn is { } due
            ? this.RegisterGrainTimer(static (grain, _) => grain.MaintainAsync(), this,
                new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = MaintenanceWakeUp.KeepsAlive(due), Interleave = false })
            : null;
    }

    /// <summary>
    /// A reminder is the durable wake-up: it brings the room back after a deactivation or a silo
    /// restart while a session may still end by inference or hand-offs wait; every minute for
    /// near work, hourly for an archive hours away (<see cref="MaintenanceWakeUp"/>). Registered
    /// again only when its period changes: a registration is a storage write.
    /// </summary>
    private async Task KeepReminderAsync(TimeSpan? period)
    {
        if (period == _reminderPeriod)
        {
            return;
        }
        if (period is { } every)
        {
            await this.RegisterOrUpdateReminder(MaintenanceReminder, every, every);
        }
        else if (await this.GetReminder(MaintenanceReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
        _reminderPeriod = period;
    }

    /// <summary>
    /// Moves what the rules' archive plan allows out of the room's record: stretches of closed
    /// sessions (with everything between them) that ended <see cref="RoomGrainOptions.ArchiveAfter"/>
    /// ago and have been quiet since, each to the record of its first session.
    /// </summary>
    private async Task ArchiveClosedSessionsAsync(long now, RoomAttendance attendance)
    {
        var archiveBefore = now - (long)_options.ArchiveAfter.TotalMilliseconds;
        foreach (var stretch in RoomArchive.Plan(_ledger.RoomEvents, attendance, archiveBefore, ArchivedUntil))
        {
            // One writer at a time for a session's rows: the room's hand-offs of it go out first.
            await _ledger.DeliveryCompletion;
            if (stretch.RoomSessionIds.Any(_ledger.HasUndelivered))
            {
                return;
            }
            var ids = stretch.EventIds.ToHashSet(StringComparer.Ordinal);
            var events = state.State.Events.Where(e => ids.Contains(e.Id)).ToList();
            if (events.Count > 0 && events.Max(e => e.ReceivedAt).ToUnixTimeMilliseconds() + (long)_options.ArchiveQuietPeriod.TotalMilliseconds > now)
            {
                return;
            }
            var record = SessionGrain(stretch.RoomSessionIds[0]);
            var prefixes = stretch.RoomSessionIds.Select(id => id + "\n").ToList();
            var handedOff = state.State.HandedOff.Where(h => prefixes.Any(p => h.Key.StartsWith(p, StringComparison.Ordinal)))
                .ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);

            // The record first: if the room's write then fails, the events are in both, which is harmless.
            // The room is reentrant: what arrives for the stretch meanwhile follows before the room lets go.
            while (events.Count > 0)
            {
                await record.ArchiveAsync(events, handedOff, state.State.Revision);
                events = [.. state.State.Events.Where(e => !ids.Contains(e.Id) && stretch.Takes(e.CreatedAt.ToUnixTimeMilliseconds(), e.RoomSessionId))];
                ids.UnionWith(events.Select(e => e.Id));
                handedOff = [];
            }

            // The index entries from the events as they are now, late ones included.
            foreach (var session in _ledger.Compute(now).Sessions.Where(s => stretch.RoomSessionIds.Contains(s.RoomSessionId) && s.EndedAt is not null))
            {
                state.State.Archived.Add(new ArchivedSession(
                    session.RoomSessionId, session.StartedAt, session.EndedAt!.Value, AttendanceViews.Session(_key.RoomName, session, now),
                    [.. session.People.Select(p => TextHash.Of(p.PersonId))], stretch.RoomSessionIds[0], stretch.After, stretch.Until));
                state.State.RegisteredSessions.Remove(session.RoomSessionId);
                state.State.EndedCounted.Remove(session.RoomSessionId);
            }
            foreach (var id in ids)
            {
                state.State.ArchivedEventIds[TextHash.Of(id)] = now;
            }
            _ledger.Remove(ids, stretch.RoomSessionIds);
            await _ledger.FlushAsync();
            LogArchived(_key.TenantId, _key.RoomName, stretch.RoomSessionIds.Count, ids.Count);
        }
    }

    /// <summary>
    /// Moves archived sessions older than <see cref="RoomGrainOptions.ArchivedIndexRetention"/> from
    /// the room's index to its monthly history records, keeping their totals and people here.
    /// </summary>
    private async Task MoveToHistoryAsync(long now)
    {
        var before = now - (long)_options.ArchivedIndexRetention.TotalMilliseconds;
        var old = state.State.Archived.Where(a => a.EndedAt < before).ToList();
        if (old.Count == 0)
        {
            return;
        }
        foreach (var month in old.GroupBy(a => IRoomHistoryGrain.MonthOf(a.StartedAt)))
        {
            await GrainFactory.GetGrain<IRoomHistoryGrain>(IRoomHistoryGrain.KeyFor(_key, month.Key)).AddAsync([.. month.Select(a => a.Summary)]);
        }
        // Only once every month holds its sessions: a failure above leaves the index as it was.
        foreach (var a in old)
        {
            state.State.HistoryMonths.Add(IRoomHistoryGrain.MonthOf(a.StartedAt));
            state.State.HistoryTotals.Add(a.Summary);
            state.State.HistoryPeople.UnionWith(a.PersonHashes);
            state.State.Archived.Remove(a);
        }
        await _ledger.FlushAsync();
    }

    private void PruneArchivedIds(long now)
    {
        var oldest = now - (long)_options.ArchivedIdRetention.TotalMilliseconds;
        foreach (var (hash, archivedAt) in state.State.ArchivedEventIds.Where(x => x.Value < oldest).ToList())
        {
            state.State.ArchivedEventIds.Remove(hash);
        }
    }

    /// <summary>The archived session a late event belongs to: by its session id, else by the stretch its time falls in.</summary>
    private ArchivedSession? FindArchived(WherebyEvent evt)
    {
        if (state.State.Archived.Count == 0)
        {
            return null;
        }
        if (evt.RoomSessionId is { } id)
        {
            return state.State.Archived.FirstOrDefault(a => a.RoomSessionId == id);
        }
        var at = evt.CreatedAt.ToUnixTimeMilliseconds();
        var byStretch = state.State.Archived.FirstOrDefault(a => a.Until is { } until && at <= until && at > (a.After ?? long.MinValue));
        if (byStretch is not null)
        {
            return byStretch;
        }
        // Sessions archived one by one by earlier releases: by their windows.
        var before = (long)_options.WaitingMargin.TotalMilliseconds;
        var after = (long)_ledger.Settings.EndGrace.TotalMilliseconds;
        return state.State.Archived.LastOrDefault(a => a.Until is null && at >= a.StartedAt - before && at <= a.EndedAt + after);
    }

    private IRoomSessionGrain SessionGrain(string roomSessionId) =>
        GrainFactory.GetGrain<IRoomSessionGrain>(new RoomSessionKey(_key, roomSessionId).ToString());

    /// <summary>
    /// Lists the room in the tenant's room index (once, when it first appears) and its sessions
    /// in the session directory (once each). After the acknowledgement, never in its way; what
    /// fails is retried by the next event or maintenance, and every step is idempotent.
    /// </summary>
    private void StartRegistration()
    {
        if (_registration.IsCompleted)
        {
            _registration = RegisterAsync();
        }
    }

    private async Task RegisterAsync()
    {
        try
        {
            if (!state.State.Indexed && state.State.Events.Count > 0)
            {
                await GrainFactory.GetGrain<IRoomIndexGrain>(IRoomIndexGrain.KeyFor(_key.TenantId, _key.RoomName)).AddAsync(_key.RoomName);
                state.State.Indexed = true;
                MarkUnwritten();
            }
            var sessions = (_ledger.LastSettled?.Attendance.Sessions ?? []).Select(s => s.RoomSessionId)
                .Where(id => !state.State.RegisteredSessions.Contains(id) && !IsArchived(id)).ToList();
            foreach (var bucket in sessions.GroupBy(id => ISessionDirectoryGrain.KeyFor(_key.TenantId, id)))
            {
                await GrainFactory.GetGrain<ISessionDirectoryGrain>(bucket.Key).AddAsync(_key.RoomName, [.. bucket]);
                foreach (var id in bucket)
                {
                    // Archived meanwhile (this ran on a computation from before): the room holds it no more.
                    if (!IsArchived(id) && state.State.RegisteredSessions.Add(id))
                    {
                        metrics.Started(_key.TenantId);
                        MarkUnwritten();
                    }
                }
            }
        }
        catch (Exception e)
        {
            LogRegistrationFailed(e, _key.TenantId, _key.RoomName);
        }
    }

    /// <summary>Where the archived history ends: the next stretch starts after it.</summary>
    private long ArchivedUntil => state.State.Archived.Count == 0 ? long.MinValue : state.State.Archived.Max(a => a.Until ?? a.EndedAt);

    private bool IsArchived(string roomSessionId) => state.State.Archived.Any(a => a.RoomSessionId == roomSessionId);

    private async Task PersistAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote this room (e.g. after a cluster split): this one's view is stale.
            DeactivateOnIdle();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomName} of tenant {TenantId}: writing applied events failed; they are in the journal, and the write is retried")]
    private partial void LogWriteBehindFailed(Exception exception, string tenantId, string roomName);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Room {RoomName} of tenant {TenantId}: writing applied events failed again ({Retries} failures, {ExceptionType}); retried")]
    private partial void LogWriteBehindRetryFailed(string tenantId, string roomName, int retries, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {RoomName} of tenant {TenantId}: applied events written after {Retries} failed writes")]
    private partial void LogWriteBehindRecovered(string tenantId, string roomName, int retries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {RoomName} of tenant {TenantId}: index registration failed; retried later")]
    private partial void LogRegistrationFailed(Exception exception, string tenantId, string roomName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {RoomName} of tenant {TenantId}: {SessionCount} sessions archived with {EventCount} events")]
    private partial void LogArchived(string tenantId, string roomName, int sessionCount, int eventCount);
}
