using WherebyGrains.Attendance;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>Maps what the rules computed (Unix ms) to the records the query API serves.</summary>
public static class AttendanceViews
{
    /// <summary>Unix ms to a UTC instant.</summary>
    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>A contract event as the rules see it; null for types no room records.</summary>
    public static RoomEvent? ToRoomEvent(WherebyEvent e)
    {
        RoomEventKind? kind = e.Type switch
        {
            WherebyEventTypes.ClientJoined => RoomEventKind.Joined,
            WherebyEventTypes.ClientLeft => RoomEventKind.Left,
            WherebyEventTypes.ClientKnocked => RoomEventKind.Knocked,
            WherebyEventTypes.ClientKnockCancelled => RoomEventKind.KnockCancelled,
            WherebyEventTypes.SessionStarted => RoomEventKind.SessionStarted,
            WherebyEventTypes.SessionEnded => RoomEventKind.SessionEnded,
            _ => null,
        };
        return kind is null ? null : new RoomEvent
        {
            Id = e.Id,
            Kind = kind.Value,
            At = e.CreatedAt.ToUnixTimeMilliseconds(),
            RoomSessionId = e.RoomSessionId,
            ParticipantId = e.ParticipantId,
            RoleName = e.RoleName,
            ExternalId = e.ExternalId,
            DisplayName = e.DisplayName,
            Metadata = e.Metadata,
            NumClients = e.NumClients,
            NumClientsByRoleName = e.NumClientsByRoleName,
        };
    }

    /// <summary>A session with its totals.</summary>
    public static RoomSessionView Session(string roomName, Session s, long now) => new()
    {
        RoomSessionId = s.RoomSessionId,
        RoomName = roomName,
        StartedAt = Time(s.StartedAt),
        EndedAt = s.EndedAt is { } end ? Time(end) : null,
        DurationSeconds = s.Span(now).Length / 1000.0,
        TotalParticipantMinutes = s.TotalParticipantMinutes,
        TotalParticipantSeconds = s.TotalParticipantMs / 1000.0,
        TotalUniqueParticipants = s.TotalUniqueParticipants,
        PeakParticipants = s.PeakParticipants,
        EndInferred = s.EndInferred,
        TotalRecorderMinutes = s.TotalRecorderMinutes,
        TotalStreamerMinutes = s.TotalStreamerMinutes,
        TotalUniqueRecorders = s.TotalUniqueRecorders,
        TotalUniqueStreamers = s.TotalUniqueStreamers,
        TotalKnocks = s.Waiting.Knocks,
        MedianWaitSeconds = s.Waiting.MedianWaitMs / 1000.0,
    };

    /// <summary>
    /// A connection's participants rows: one for each session it is in (rule 7: its own
    /// join and leave, its part in that session as the duration), or one without a session;
    /// only the row of <paramref name="roomSessionId"/> when one is given.
    /// </summary>
    public static IEnumerable<ParticipantView> Participants(string roomName, Connection c, string? roomSessionId, long now)
    {
        if (c.Sessions.Count == 0)
        {
            if (roomSessionId is null)
            {
                yield return Participant(roomName, c, null, c.Span(now));
            }
            yield break;
        }
        foreach (var part in c.Sessions)
        {
            if (roomSessionId is null || part.RoomSessionId == roomSessionId)
            {
                yield return Participant(roomName, c, part.RoomSessionId, c.PartIn(part.RoomSessionId, now)!.Value);
            }
        }
    }

    private static ParticipantView Participant(string roomName, Connection c, string? roomSessionId, Interval part) => new()
    {
        RoomSessionId = roomSessionId,
        RoomName = roomName,
        ParticipantId = c.ParticipantId,
        ExternalId = c.ExternalId,
        DisplayName = c.DisplayName,
        RoleName = c.RoleName,
        JoinedAt = Time(c.JoinedAt),
        LeftAt = c.LeftAt is { } left ? Time(left) : null,
        DurationSeconds = part.Length / 1000.0,
        LeftInferred = c.LeftInferred,
        Metadata = c.Metadata,
        MetadataVerified = c.MetadataVerified,
        PersonId = c.PersonId,
        IsPerson = c.IsPerson,
        KnockedAt = c.KnockedAt is { } knocked ? Time(knocked) : null,
        WaitedSeconds = c.WaitedMs / 1000.0,
    };

    /// <summary>Live presence.</summary>
    public static PresenceView Presence(string roomName, Presence p) => new()
    {
        RoomName = roomName,
        NumClients = p.NumClients,
        NumClientsByRoleName = p.NumClientsByRoleName,
        Participants = [.. p.Participants.Select(c => new PresentParticipant(c.ParticipantId, c.ExternalId, c.DisplayName, c.RoleName, Time(c.JoinedAt)))],
        Waiting = [.. p.Waiting.Select(k => new WaitingParticipant(k.ParticipantId, k.DisplayName, Time(k.KnockedAt)))],
        CurrentSession = p.CurrentSession is { } s ? new CurrentSessionView(s.RoomSessionId, Time(s.StartedAt)) : null,
    };

    /// <summary>One person's row of the per-person report.</summary>
    public static AttendanceRow Row(string roomName, Session s, SessionAttendance p, long now)
    {
        var duration = s.Span(now).Length;
        return new AttendanceRow
        {
            RoomName = roomName,
            RoomSessionId = s.RoomSessionId,
            SessionStartedAt = Time(s.StartedAt),
            SessionEndedAt = s.EndedAt is { } end ? Time(end) : null,
            FirstJoinedAt = Time(p.FirstJoinedAt),
            LastLeftAt = p.LastLeftAt is { } left ? Time(left) : null,
            AttendedSeconds = p.AttendedMs / 1000.0,
            Connections = p.Connections,
            AttendanceRatio = duration == 0 ? 0 : Math.Clamp((double)p.AttendedMs / duration, 0, 1),
        };
    }
}
