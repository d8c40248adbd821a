namespace WherebyGrains.Attendance;

/// <summary>A connection as its own events describe it, before sessions are known.</summary>
internal sealed record RawConnection(
    string ParticipantId,
    string? Tag,
    string? RoleName,
    bool IsPerson,
    string? ExternalId,
    string? DisplayName,
    MetadataCheck Metadata,
    string PersonId,
    long JoinedAt,
    long? LeftAt,
    IReadOnlyList<string> EventIds);

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
    public static List<RawConnection> Build(List<RoomEvent> ordered, SignedMetadata metadata)
    {
        var connections = new List<RawConnection>();
        var client = ordered.Where(e => e.Kind is RoomEventKind.Joined or RoomEventKind.Left).ToList();

        foreach (var group in client.Where(e => e.ParticipantId is not null).GroupBy(e => e.ParticipantId!, StringComparer.Ordinal))
        {
            var joins = group.Where(e => e.Kind == RoomEventKind.Joined).ToList();
            if (joins.Count == 0)
            {
                continue;
            }
            var lefts = group.Where(e => e.Kind == RoomEventKind.Left).ToList();
            var joinedAt = joins[0].At;
            long? leftAt = lefts.Count == 0 ? null : Math.Max(joinedAt, lefts[^1].At);
            connections.Add(Create(group.Key, joins[0], group.ToList(), joinedAt, leftAt, metadata));
        }

        foreach (var group in client.Where(e => e.ParticipantId is null).GroupBy(Fingerprint, StringComparer.Ordinal))
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
                connections.Add(Create("anon-" + join.Id, join, own, join.At, left?.At, metadata));
            }
        }
        return connections;
    }

    private static RawConnection Create(string participantId, RoomEvent join, List<RoomEvent> own, long joinedAt, long? leftAt, SignedMetadata metadata)
    {
        // The join describes the connection; a later event fills what it lacked.
        string? First(Func<RoomEvent, string?> field) => field(join) ?? own.Select(field).FirstOrDefault(v => v is not null);

        var externalId = First(e => e.ExternalId);
        var check = metadata.Check(First(e => e.Metadata), joinedAt);
        var roleName = First(e => e.RoleName);
        return new RawConnection(
            participantId,
            Tag: own.Select(e => e.RoomSessionId).Where(s => s is not null).Order(StringComparer.Ordinal).FirstOrDefault() is { } tag
                ? join.RoomSessionId ?? tag
                : null,
            roleName,
            Roles.IsPerson(roleName),
            externalId,
            First(e => e.DisplayName),
            check,
            PersonId: externalId ?? check.Identity ?? participantId,
            joinedAt,
            leftAt,
            [.. own.Select(e => e.Id)]);
    }

    private static string Fingerprint(RoomEvent e) =>
        string.Join('\u001f', e.RoleName ?? "", e.ExternalId ?? "", e.DisplayName ?? "", e.Metadata ?? "");
}
