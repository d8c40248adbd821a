using WherebyGrains.Simulator;
using WherebyGrains.Testing;
using CsCheck;
using WherebyGrains.Attendance;

namespace WherebyGrains.Attendance.Tests;

/// <summary>
/// Properties over hundreds of generated meetings. CsCheck prints the failing seed; pass it back
/// with <c>seed:</c> (or set the CsCheck_Seed environment variable) to reproduce a failure.
/// </summary>
public sealed class RoomTimelineProperties
{
    private static readonly Gen<int> Seeds = Gen.Int[0, int.MaxValue];

    [Fact]
    public void Results_equal_the_oracle_computed_from_the_meeting_itself()
    {
        Seeds.Sample(seed =>
        {
            var meeting = GeneratedMeeting.Generate(seed);
            var actual = RoomTimeline.Compute(meeting.Events, meeting.Now, GeneratedMeeting.Settings);
            var (sessions, connections) = MeetingOracle.Expect(meeting);

            var actualSessions = actual.Sessions.Select(s => new ExpectedSession(
                s.RoomSessionId, s.StartedAt, s.EndedAt ?? -1, s.EndInferred, s.TotalParticipantMs, s.TotalParticipantMinutes,
                s.TotalUniqueParticipants, s.PeakParticipants,
                [.. s.People.Select(p => new ExpectedPerson(p.PersonId, p.AttendedMs, p.FirstJoinedAt, p.LastLeftAt ?? -1, p.Connections)).OrderBy(p => p.PersonId, StringComparer.Ordinal)]))
                .ToList();
            var actualConnections = actual.Connections
                .Select(c => new ExpectedConnection(c.ParticipantId, c.RoomSessionId ?? "", c.PersonId, c.IsPerson, c.JoinedAt, c.LeftAt ?? -1, c.LeftInferred))
                .OrderBy(c => c.ParticipantId, StringComparer.Ordinal).ToList();

            Assert.Equal(sessions.Count, actualSessions.Count);
            for (var i = 0; i < sessions.Count; i++)
            {
                Assert.Equal(sessions[i] with { People = [] }, actualSessions[i] with { People = [] });
                Assert.Equal(sessions[i].People, actualSessions[i].People);
            }
            Assert.Equal(connections.OrderBy(c => c.ParticipantId, StringComparer.Ordinal), actualConnections);
            Assert.Null(actual.Presence.CurrentSession);
        }, iter: 400, print: m => GeneratedMeeting.Generate(m).ToString());
    }

    [Fact]
    public void Any_permutation_and_duplication_of_delivery_gives_the_in_order_results()
    {
        Seeds.Select(Gen.Int[0, int.MaxValue]).Sample((seed, shuffle) =>
        {
            var meeting = GeneratedMeeting.Generate(seed);
            var inOrder = RoomTimeline.Compute(meeting.Events.OrderBy(e => e.At), meeting.Now, GeneratedMeeting.Settings);

            var random = new Random(shuffle);
            var delivered = meeting.Events.Concat(meeting.Events.Where(_ => random.Next(3) == 0)).OrderBy(_ => random.Next()).ToList();
            var messy = RoomTimeline.Compute(delivered, meeting.Now, GeneratedMeeting.Settings);

            Assert.Equivalent(inOrder, messy, strict: true);

            // Mid-meeting too: the same events delivered in any order agree at any instant.
            var midway = meeting.Sessions[0].Start + 120_000;
            Assert.Equivalent(
                RoomTimeline.Compute(meeting.Events.Where(e => e.At <= midway), midway, GeneratedMeeting.Settings),
                RoomTimeline.Compute(delivered.Where(e => e.At <= midway), midway, GeneratedMeeting.Settings),
                strict: true);
        }, iter: 300);
    }
}
