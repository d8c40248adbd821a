namespace WherebyGrains.Attendance;

/// <summary>A connection as its own events describe it, before sessions are known.</summary>
internal sealed record RawConnection(
    string ParticipantId,
    string? RoleName,
    bool IsPerson,
    string? ExternalId,
    string? DisplayName,
    MetadataCheck Metadata,
    string PersonId,
    long JoinedAt,
    long? LeftAt,
    IReadOnlyList<string> EventIds,
    IReadOnlyList<string> Tags);

/// <summary>Pairs <c>joined</c> and <c>left</c> events into connections (rule 3) and names their person (rule 4).</summary>
internal static class RoomConnections
{
    /// <summary>
    /// Builds the connections of <paramref name="ordered"/> (canonical order). A connection is one
    /// participantId, from its earliest <c>joined</c> to its latest <c>left</c>. A <c>left</c>
    /// whose <c>joined</c> has not arrived yet is held back: at-least-once delivery means the
    /// <c>joined</c> will come. Payloads from 2022 have no participantId: their joins and leaves are
    /// paired first-in-first-out among events with the same role, name, externalId and metadata.
    /// </summary>
    public static List<RawConnection> Build(List<RoomEvent> ordered, AttendanceSettings settings)
    {
        var connections = new List<RawConnection>();
        // One pass, grouped in the order each participant first appears (as LINQ's GroupBy would):
        // this runs on every settle of every room.
        var byParticipant = new Dictionary<string, List<RoomEvent>>(StringComparer.Ordinal);
        var participants = new List<List<RoomEvent>>();
        List<RoomEvent>? anonymous = null;
        foreach (var e in ordered)
        {
            if (e.Kind is not (RoomEventKind.Joined or RoomEventKind.Left))
            {
                continue;
            }
            if (e.ParticipantId is null)
            {
                (anonymous ??= []).Add(e);
            }
            else if (byParticipant.TryGetValue(e.ParticipantId, out var own))
            {
                own.Add(e);
            }
            else
            {
                byParticipant.Add(e.ParticipantId, own = [e]);
                participants.Add(own);
            }
        }

        foreach (var own in participants)
        {
            RoomEvent? join = null, lastLeft = null;
            foreach (var e in own)
            {
                if (e.Kind == RoomEventKind.Joined)
                {
                    join ??= e;
                }
                else
                {
                    lastLeft = e;
                }
            }
            if (join is null)
            {
                continue;
            }
            long? leftAt = lastLeft is null ? null : Math.Max(join.At, lastLeft.At);
            connections.Add(Create(join.ParticipantId!, join, own, join.At, leftAt, settings));
        }

        if (anonymous is null)
        {
            return connections;
        }
        foreach (var group in anonymous.GroupBy(Fingerprint, StringComparer.Ordinal))
        {
            var open = new Queue<RoomEvent>();
            var pairs = new List<(RoomEvent Join, RoomEvent? Left)>();
            foreach (var e in group)
            {
                if (e.Kind == RoomEventKind.Joined)
                {
                    open.Enqueue(e);
                }
                else if (open.Count > 0)
                {
                    pairs.Add((open.Dequeue(), e));
                }
            }
            pairs.AddRange(open.Select(j => (j, (RoomEvent?)null)));
            foreach (var (join, left) in pairs)
            {
                List<RoomEvent> own = left is null ? [join] : [join, left];
                connections.Add(Create("anon-" + join.Id, join, own, join.At, left?.At, settings));
            }
        }
        return connections;
    }

    private static RawConnection Create(string participantId, RoomEvent join, List<RoomEvent> own, long joinedAt, long? leftAt, AttendanceSettings settings)
    {
        // The join describes the connection; a later event fills what it lacked.
        string? First(Func<RoomEvent, string?> field)
        {
            if (field(join) is { } value)
            {
                return value;
            }
            foreach (var e in own)
            {
                if (field(e) is { } later)
                {
                    return later;
                }
            }
            return null;
        }

        var externalId = First(static e => e.ExternalId);
        var check = settings.Metadata.Check(First(static e => e.Metadata), joinedAt);
        var roleName = First(static e => e.RoleName);
        // The sessions its own events name (rule 7: it is in each of them).
        List<string>? tags = null;
        var ids = new string[own.Count];
        for (var i = 0; i < own.Count; i++)
        {
            ids[i] = own[i].Id;
            if (own[i].RoomSessionId is { } tag && !(tags ??= []).Contains(tag))
            {
                tags.Add(tag);
            }
        }
        return new RawConnection(
            participantId,
            roleName,
            Roles.IsPerson(roleName),
            externalId,
            First(static e => e.DisplayName),
            check,
            // With signed identities only, an externalId (typed into a URL by anyone) names nobody.
            PersonId: (settings.Identity == PersonIdentity.ExternalId ? externalId : null) ?? check.Identity ?? participantId,
            joinedAt,
            leftAt,
            ids,
            (IReadOnlyList<string>?)tags ?? []);
    }

    private static string Fingerprint(RoomEvent e) =>
        string.Join('\u001f', e.RoleName ?? "", e.ExternalId ?? "", e.DisplayName ?? "", e.Metadata ?? "");
}
