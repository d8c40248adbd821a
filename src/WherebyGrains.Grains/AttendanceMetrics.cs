using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using WherebyGrains.Attendance;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// The grains' instruments on the <c>WherebyGrains</c> meter: events applied, sessions started
/// and ended (inferred or not), rooms' maintenance passes, session durations and attended time, the
/// cross-room views' lag, and gauges of the rooms live,
/// people present and person hand-offs waiting, per tenant, over this silo's active rooms.
/// </summary>
public sealed class AttendanceMetrics
{
    private readonly Counter<long> _applied;
    private readonly Counter<long> _started;
    private readonly Counter<long> _ended;
    private readonly Counter<long> _maintenance;
    private readonly Histogram<double> _sessionDuration;
    private readonly Histogram<double> _attended;
    private readonly Histogram<double> _viewLag;
    private readonly ConcurrentDictionary<string, RoomGauges> _rooms = new(StringComparer.Ordinal);

    /// <summary>Creates the instruments.</summary>
    public AttendanceMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Telemetry.Name);
        _applied = meter.CreateCounter<long>("wherebygrains.events.applied", "{event}", "Events recorded by rooms (first delivery only).");
        _started = meter.CreateCounter<long>("wherebygrains.sessions.started", "{session}", "Sessions that appeared.");
        _ended = meter.CreateCounter<long>("wherebygrains.sessions.ended", "{session}", "Sessions that ended, by whether the end was inferred.");
        _maintenance = meter.CreateCounter<long>("wherebygrains.rooms.maintenance", "{pass}", "Rooms' passes without an event: inferred ends, outbox retries, archiving.");
        _sessionDuration = meter.CreateHistogram<double>("wherebygrains.sessions.duration", "s", "Length of ended sessions.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [60, 300, 900, 1800, 2700, 3600, 5400, 7200, 14400] });
        _attended = meter.CreateHistogram<double>("wherebygrains.attendance.attended", "s", "Attended time per person in ended sessions.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [60, 300, 900, 1800, 2700, 3600, 5400, 7200, 14400] });
        _viewLag = meter.CreateHistogram<double>("wherebygrains.views.lag", "s",
            "Time from a webhook's receipt until the cross-room views (people's rows) reflect it; the contract bounds its p99 at 2 s.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300] });
        meter.CreateObservableGauge("wherebygrains.rooms.live", () => Observe(r => r.LiveSessions), "{room}", "Rooms with a live session, on this silo.");
        meter.CreateObservableGauge("wherebygrains.people.present", () => Observe(r => r.PeoplePresent), "{person}", "People connected now, on this silo.");
        meter.CreateObservableGauge("wherebygrains.handoffs.backlog", () => Observe(r => r.Backlog), "{handoff}", "Person hand-offs waiting for delivery, on this silo.");
    }

    /// <summary>An event was recorded for the first time.</summary>
    public void Applied(string tenantId, string eventType) =>
        _applied.Add(1, new TagList { { Telemetry.TenantTag, tenantId }, { "whereby.event.type", eventType } });

    /// <summary>A session appeared.</summary>
    public void Started(string tenantId) => _started.Add(1, new TagList { { Telemetry.TenantTag, tenantId } });

    /// <summary>A session ended: its duration, and each person's attended time.</summary>
    private void Ended(string tenantId, Session session, long now)
    {
        var tenant = new TagList { { Telemetry.TenantTag, tenantId } };
        _ended.Add(1, new TagList { { Telemetry.TenantTag, tenantId }, { "wherebygrains.inferred", session.EndInferred } });
        _sessionDuration.Record(session.Span(now).Length / 1000.0, tenant);
        foreach (var person in session.People)
        {
            _attended.Record(person.AttendedMs / 1000.0, tenant);
        }
    }

    /// <summary>An event received <paramref name="lag"/> ago is now in the people's rows.</summary>
    public void ViewLag(string tenantId, TimeSpan lag) => _viewLag.Record(Math.Max(0, lag.TotalSeconds), new TagList { { Telemetry.TenantTag, tenantId } });

    /// <summary>A room ran its maintenance: a few an hour per room, a rate far above that is a room that spins.</summary>
    public void Maintained(string tenantId) => _maintenance.Add(1, new TagList { { Telemetry.TenantTag, tenantId } });

    /// <summary>
    /// Sets one active room's gauges from what the rules gave, and counts the sessions that
    /// <paramref name="ended"/> since the room last reported (the room remembers which it reported).
    /// </summary>
    public void Report(string roomKey, string tenantId, RoomAttendance attendance, long now, IEnumerable<Session> ended, int backlog)
    {
        foreach (var session in ended)
        {
            Ended(tenantId, session, now);
        }
        var live = attendance.HasLiveSession ? 1 : 0;
        var present = attendance.Presence.Participants.Where(c => c.IsPerson).Select(c => c.PersonId).Distinct(StringComparer.Ordinal).Count();
        _rooms[roomKey] = new RoomGauges(tenantId, live, present, backlog);
    }

    /// <summary>Drops a room that deactivated.</summary>
    public void Forget(string roomKey) => _rooms.TryRemove(roomKey, out _);

    private IEnumerable<Measurement<int>> Observe(Func<RoomGauges, int> value)
    {
        var byTenant = _rooms.Values.GroupBy(r => r.TenantId, StringComparer.Ordinal).ToList();
        if (byTenant.Count == 0)
        {
            // Always export the series, so that dashboards and alerts see a zero rather than nothing.
            return [new Measurement<int>(0)];
        }
        return byTenant.Select(g => new Measurement<int>(g.Sum(value), new KeyValuePair<string, object?>(Telemetry.TenantTag, g.Key)));
    }

    private sealed record RoomGauges(string TenantId, int LiveSessions, int PeoplePresent, int Backlog);
}
