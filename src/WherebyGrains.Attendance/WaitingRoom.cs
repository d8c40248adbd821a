namespace WherebyGrains.Attendance;

/// <summary>
/// The waiting room's numbers (api.md: a connection's <c>knockedAt</c> and <c>waitedSeconds</c>, a
/// session's <c>totalKnocks</c> and <c>medianWaitSeconds</c>). A knock's <c>participantId</c> is the
/// one that joins when admitted (a knock without one, as 2022 payloads send it, is counted but
/// joins no connection). Each knock belongs to one session: the one its connection joined,
/// if it joined one; otherwise the one it names, or the one live when it came (cancelled or never
/// admitted), or none.
/// </summary>
internal sealed class WaitingRoom
{
    private readonly List<RoomEvent> _knocks;
    private readonly Dictionary<string, long> _firstKnock = new(StringComparer.Ordinal);

    private WaitingRoom(List<RoomEvent> knocks)
    {
        _knocks = knocks;
        foreach (var knock in knocks)
        {
            if (knock.ParticipantId is { } participant)
            {
                _firstKnock.TryAdd(participant, knock.At);
            }
        }
    }

    /// <summary>The knocks among <paramref name="ordered"/> (in canonical order).</summary>
    public static WaitingRoom Of(List<RoomEvent> ordered) =>
        new([.. ordered.Where(e => e.Kind == RoomEventKind.Knocked)]);

    /// <summary>The first knock of <paramref name="participantId"/> at or before it joined at <paramref name="joinedAt"/>; null when it came in without one.</summary>
    public long? KnockedAt(string participantId, long joinedAt) =>
        _firstKnock.TryGetValue(participantId, out var at) && at <= joinedAt ? at : null;

    /// <summary>
    /// The knocks of each session, each knock counted once: in the first session of its
    /// participant's connection, if it has one among <paramref name="connections"/>; else in the
    /// session <paramref name="sessionOf"/> gives it, if any.
    /// </summary>
    public Dictionary<string, int> KnocksBySession(IEnumerable<Connection> connections, Func<RoomEvent, string?> sessionOf)
    {
        var joined = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in connections)
        {
            if (c.RoomSessionId is { } session)
            {
                joined.TryAdd(c.ParticipantId, session);
            }
        }
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var knock in _knocks)
        {
            if ((knock.ParticipantId is { } participant && joined.TryGetValue(participant, out var own) ? own : sessionOf(knock)) is { } session)
            {
                counts[session] = counts.GetValueOrDefault(session) + 1;
            }
        }
        return counts;
    }

    /// <summary>
    /// The median wait (ms) of <paramref name="joined"/> (a session's connections whose first session
    /// it is) admitted after a knock: the mean of the middle two for an even count; null when none knocked.
    /// </summary>
    public static double? MedianWaitMs(IEnumerable<Connection> joined)
    {
        var waits = joined.Where(c => c.WaitedMs is not null).Select(c => (double)c.WaitedMs!.Value).Order().ToList();
        return waits.Count == 0 ? null
            : waits.Count % 2 == 1 ? waits[waits.Count / 2]
            : (waits[waits.Count / 2 - 1] + waits[waits.Count / 2]) / 2;
    }
}
