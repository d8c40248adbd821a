using Microsoft.Extensions.Logging;
using WherebyGrains.Attendance;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// A room's archive: moves what the rules' archive plan allows out of the room's record (stretches
/// of closed sessions to records of their own, old index entries to monthly history), finds the
/// archived session a late event belongs to, and remembers archived event ids for dedupe. Works on
/// its room's state within the room's turns.
/// </summary>
internal sealed partial class RoomArchiver(
    RoomKey key,
    RoomState state,
    AttendanceLedger ledger,
    SessionsOptions options,
    IGrainFactory grains,
    ILogger logger)
{
    /// <summary>Where the archived history ends: the next stretch starts after it.</summary>
    public long ArchivedUntil => state.Archived.Count == 0 ? long.MinValue : state.Archived.Max(a => a.Until ?? a.EndedAt);

    /// <summary>True when <paramref name="roomSessionId"/> moved to an archived record.</summary>
    public bool IsArchived(string roomSessionId) => state.Archived.Any(a => a.RoomSessionId == roomSessionId);

    /// <summary>The record that holds the archived session <paramref name="roomSessionId"/>, if it is archived.</summary>
    public IArchivedSessionGrain? RecordOf(string roomSessionId) =>
        state.Archived.FirstOrDefault(a => a.RoomSessionId == roomSessionId) is { } archived ? Record(archived.RecordId) : null;

    /// <summary>
    /// For an event of an archived session: a duplicate if its id was archived, else what the
    /// session's record (which writes at once: late events are rare) made of it. Null otherwise.
    /// </summary>
    public async ValueTask<IngestOutcome?> OutcomeAsync(WherebyEvent evt)
    {
        if (ledger.Contains(evt.Id))
        {
            return null;
        }
        if (state.ArchivedEventIds.ContainsKey(StoredHash.Of(evt.Id)))
        {
            return IngestOutcome.Duplicate;
        }
        return Find(evt) is { } archived ? await Record(archived.RecordId).RecordAsync(evt) : null;
    }

    /// <summary>Takes the new totals of an archived session; false when they changed nothing.</summary>
    public bool Update(RoomSessionView summary)
    {
        var index = state.Archived.FindIndex(a => a.RoomSessionId == summary.RoomSessionId);
        if (index < 0 || state.Archived[index].Summary == summary)
        {
            return false;
        }
        state.Archived[index] = state.Archived[index] with { Summary = summary };
        return true;
    }

    /// <summary>When the next stretch the archive can take is due (Unix ms), or null while none can be taken.</summary>
    public long? NextDue(RoomAttendance attendance)
    {
        // Only a stretch the archive can take: sessions that someone still in the room holds wait
        // for the event (or the abandoning) that closes them, which settles and looks again.
        if (RoomArchive.NextStretchEnd(attendance, ArchivedUntil) is not { } stretchEnd)
        {
            return null;
        }
        var lastReceived = state.Events.Count == 0 ? 0 : state.Events.Max(e => e.ReceivedAt).ToUnixTimeMilliseconds();
        return Math.Max(stretchEnd + (long)options.ArchiveAfter.TotalMilliseconds, lastReceived + (long)options.ArchiveQuietPeriod.TotalMilliseconds);
    }

    /// <summary>Everything due as of <paramref name="now"/>: stretches archived, old index entries to history, old ids forgotten.</summary>
    public async Task MaintainAsync(long now, RoomAttendance attendance)
    {
        await ArchiveClosedSessionsAsync(now, attendance);
        PruneArchivedIds(now);
        await MoveToHistoryAsync(now);
    }

    /// <summary>
    /// Moves stretches of closed sessions (with everything between them) that ended
    /// <see cref="SessionsOptions.ArchiveAfter"/> ago and have been quiet since, each to the record of its first session.
    /// </summary>
    private async Task ArchiveClosedSessionsAsync(long now, RoomAttendance attendance)
    {
        var archiveBefore = now - (long)options.ArchiveAfter.TotalMilliseconds;
        foreach (var stretch in RoomArchive.Plan(ledger.RoomEvents, attendance, archiveBefore, ArchivedUntil))
        {
            // One writer at a time for a session's rows: the room's hand-offs of it go out first.
            await ledger.Outbox.Completion;
            if (stretch.RoomSessionIds.Any(ledger.Outbox.HasUndelivered))
            {
                return;
            }
            var ids = stretch.EventIds.ToHashSet(StringComparer.Ordinal);
            var events = state.Events.Where(e => ids.Contains(e.Id)).ToList();
            if (events.Count > 0 && events.Max(e => e.ReceivedAt).ToUnixTimeMilliseconds() + (long)options.ArchiveQuietPeriod.TotalMilliseconds > now)
            {
                return;
            }
            var record = Record(stretch.RoomSessionIds[0]);
            var prefixes = stretch.RoomSessionIds.Select(id => id + "\n").ToList();
            var handedOff = state.HandedOff.Where(h => prefixes.Any(p => h.Key.StartsWith(p, StringComparison.Ordinal)))
                .ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);

            // The record first: if the room's write then fails, the events are in both, which is harmless.
            // The room is reentrant: what arrives for the stretch meanwhile follows before the room lets go.
            while (events.Count > 0)
            {
                await record.ArchiveAsync(events, handedOff, state.Revision);
                events = [.. state.Events.Where(e => !ids.Contains(e.Id) && stretch.Takes(e.CreatedAt.ToUnixTimeMilliseconds(), e.RoomSessionId))];
                ids.UnionWith(events.Select(e => e.Id));
                handedOff = [];
            }

            // The index entries from the events as they are now, late ones included.
            foreach (var session in ledger.Compute(now).Sessions.Where(s => stretch.RoomSessionIds.Contains(s.RoomSessionId) && s.EndedAt is not null))
            {
                state.Archived.Add(new ArchivedSession(
                    session.RoomSessionId, session.StartedAt, session.EndedAt!.Value, AttendanceViews.Session(key.RoomName, session, now),
                    [.. session.People.Select(p => StoredHash.Of(p.PersonId))], stretch.RoomSessionIds[0], stretch.After, stretch.Until));
                state.RegisteredSessions.Remove(session.RoomSessionId);
                state.EndedCounted.Remove(session.RoomSessionId);
            }
            foreach (var id in ids)
            {
                state.ArchivedEventIds[StoredHash.Of(id)] = now;
            }
            ledger.Remove(ids, stretch.RoomSessionIds);
            await ledger.FlushAsync();
            LogArchived(key.TenantId, key.RoomName, stretch.RoomSessionIds.Count, ids.Count);
        }
    }

    /// <summary>
    /// Moves archived sessions older than <see cref="SessionsOptions.ArchivedIndexRetention"/> from
    /// the room's index to its monthly history records, keeping their totals and people here.
    /// </summary>
    private async Task MoveToHistoryAsync(long now)
    {
        var before = now - (long)options.ArchivedIndexRetention.TotalMilliseconds;
        var old = state.Archived.Where(a => a.EndedAt < before).ToList();
        if (old.Count == 0)
        {
            return;
        }
        foreach (var month in old.GroupBy(a => IRoomHistoryGrain.MonthOf(a.StartedAt)))
        {
            await grains.GetGrain<IRoomHistoryGrain>(IRoomHistoryGrain.KeyFor(key, month.Key)).AddAsync([.. month.Select(a => a.Summary)]);
        }
        // Only once every month holds its sessions: a failure above leaves the index as it was.
        foreach (var a in old)
        {
            state.HistoryMonths.Add(IRoomHistoryGrain.MonthOf(a.StartedAt));
            state.HistoryTotals.Add(a.Summary);
            state.HistoryPeople.UnionWith(a.PersonHashes);
            state.Archived.Remove(a);
        }
        await ledger.FlushAsync();
    }

    private void PruneArchivedIds(long now)
    {
        var oldest = now - (long)options.ArchivedIdRetention.TotalMilliseconds;
        foreach (var (hash, _) in state.ArchivedEventIds.Where(x => x.Value < oldest).ToList())
        {
            state.ArchivedEventIds.Remove(hash);
        }
    }

    /// <summary>The archived session a late event belongs to: by its session id, else by the stretch its time falls in.</summary>
    private ArchivedSession? Find(WherebyEvent evt)
    {
        if (state.Archived.Count == 0)
        {
            return null;
        }
        if (evt.RoomSessionId is { } id)
        {
            return state.Archived.FirstOrDefault(a => a.RoomSessionId == id);
        }
        var at = evt.CreatedAt.ToUnixTimeMilliseconds();
        var byStretch = state.Archived.FirstOrDefault(a => a.Until is { } until && at <= until && at > (a.After ?? long.MinValue));
        if (byStretch is not null)
        {
            return byStretch;
        }
        // Sessions archived one by one (records without a stretch): by their windows.
        var before = (long)options.WaitingMargin.TotalMilliseconds;
        var after = (long)ledger.Settings.EndGrace.TotalMilliseconds;
        return state.Archived.LastOrDefault(a => a.Until is null && at >= a.StartedAt - before && at <= a.EndedAt + after);
    }

    private IArchivedSessionGrain Record(string roomSessionId) =>
        grains.GetGrain<IArchivedSessionGrain>(new RoomSessionKey(key, roomSessionId).ToString());

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {RoomName} of tenant {TenantId}: {SessionCount} sessions archived with {EventCount} events")]
    private partial void LogArchived(string tenantId, string roomName, int sessionCount, int eventCount);
}
