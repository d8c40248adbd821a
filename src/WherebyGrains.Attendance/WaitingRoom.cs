namespace WherebyGrains.Attendance;

/// <summary>
/// The waiting room's numbers (api.md: a connection's <c>knockedAt</c> and <c>waitedSeconds</c>, a
/// session's <c>totalKnocks</c> and <c>medianWaitSeconds</c>). A knock's <c>participantId</c> is the
/// one that joins when admitted. Each knock belongs to one session: the one its connection joined,
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
            _firstKnock.TryAdd(knock.ParticipantId!, knock.At);
        }
    }

    /// <summary>The knocks among <paramref name="ordered"/> (in canonical order).</summary>
    public static WaitingRoom Of(List<RoomEvent> ordered) =>
        new([.. ordered.Where(e => e.Kind == RoomEventKind.Knocked && e.ParticipantId is not null)]);

    /// <summary>The first knock of <paramref name="participantId"/> at or before it joined at <paramref name="joinedAt"/>; null when it came in without one.</summary>
    public long? KnockedAt(string participantId, long joinedAt) =>
        _firstKnock.TryGetValue(participantId, out var at) && at <= joinedAt ? at : null;

    /// <summary>
    /// A session's knocks and its median wait (ms; the mean of the middle two for an even count;
    /// null when no connection of it was admitted after a knock). <paramref name="joined"/> are
    /// the connections whose first session it is; <paramref name="sessionOf"/> tells which session
    /// a knock of none of the <paramref name="connected"/> (the participants in a session) falls in.
    /// </summary>
    public (int Knocks, double? MedianWaitMs) Totals(string roomSessionId, IReadOnlyList<Connection> joined, Func<RoomEvent, string?> sessionOf, IReadOnlySet<string> connected)
    {
        var own = joined.Select(c => c.ParticipantId).ToHashSet(StringComparer.Ordinal);
        var knocks = _knocks.Count(k => own.Contains(k.ParticipantId!) || (!connected.Contains(k.ParticipantId!) && sessionOf(k) == roomSessionId));
        var waits = joined.Where(c => c.KnockedAt is not null).Select(c => (double)(c.JoinedAt - c.KnockedAt!.Value)).Order().ToList();
        double? median = waits.Count == 0 ? null
            : waits.Count % 2 == 1 ? waits[waits.Count / 2]
            : (waits[waits.Count / 2 - 1] + waits[waits.Count / 2]) / 2;
        return (knocks, median);
    }
}
