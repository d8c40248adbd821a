using WherebyGrains.Simulator;
using System.Text;
using WherebyGrains.Contracts;
using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// Generated meetings, posted as signed webhooks to a real silo on a real Azurite, out of order
/// and with duplicates, read back and compared with the oracle, before and after a restart.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MeetingEndToEndTests : AzuriteTest
{
    private static readonly Dictionary<string, string> MetadataKey = new()
    {
        [$"WherebyGrains:Tenants:{SiloFactory.Tenant}:MetadataKeys:0"] = Encoding.UTF8.GetString(GeneratedMeeting.MetadataKey),
    };

    [Fact]
    public async Task A_messy_delivery_of_real_meetings_equals_the_oracle_after_a_restart_too()
    {
        // Meetings of yesterday, so that every session has ended by now; current and 2022 payloads.
        var origin = DateTimeOffset.UtcNow.AddDays(-1);
        // Five seeds as they come, and the first after them with lost 'left's (the evidence of rule 3 at work).
        var meetings = new[] { 11, 12, 13, 14, 15 }.Select(seed => GeneratedMeeting.Generate(seed, origin)).ToList();
        meetings.Add(Enumerable.Range(16, 500).Select(seed => GeneratedMeeting.Generate(seed, origin)).First(m => !m.Legacy && m.Connections.Any(c => !c.LeftDelivered)));
        Assert.Contains(meetings, m => m.Legacy);
        Assert.Contains(meetings, m => m.Connections.Any(c => !c.LeftDelivered));

        await using (var silo = new SiloFactory(Azurite.ConnectionString, MetadataKey))
        {
            var sender = silo.Webhooks();
            var random = new Random(7);
            var deliveries = meetings
                .SelectMany(m => m.Events.Select(e => WherebyPayloads.From(e, Room(m))))
                .SelectMany(body => random.Next(4) == 0 ? new[] { body, body } : [body])
                .OrderBy(_ => random.Next())
                .ToList();
            foreach (var chunk in deliveries.Chunk(25))
            {
                var answers = await Task.WhenAll(chunk.Select(sender.SendAsync));
                Assert.All(answers, a => Assert.Equal(200, a.Status));
            }
            foreach (var meeting in meetings)
            {
                await AssertEqualsOracleAsync(silo, meeting);
            }
        }

        await using var restarted = new SiloFactory(Azurite.ConnectionString, MetadataKey);
        foreach (var meeting in meetings)
        {
            await AssertEqualsOracleAsync(restarted, meeting);
        }
    }

    private static string Room(GeneratedMeeting meeting) => $"/meeting-{meeting.Seed}";

    private static async Task AssertEqualsOracleAsync(SiloFactory silo, GeneratedMeeting meeting)
    {
        // Read against the clock with the service's defaults: yesterday's rooms have been silent for
        // longer than AbandonAfter, so a connection whose left was lost is closed by now.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var expected = MeetingOracle.Expect(meeting, now, GeneratedMeeting.ServiceSettings);
        var room = silo.Grains.GetGrain<IRoomGrain>(new RoomKey(SiloFactory.Tenant, Room(meeting)).ToString());

        var sessions = (await room.GetSessionsAsync()).OrderBy(s => s.StartedAt).ToList();
        Assert.Equal(
            expected.Sessions.Select(s => (s.Id, s.StartedAt, s.EndedAt, s.EndInferred, s.TotalParticipantMs / 1000.0, s.TotalParticipantMinutes, s.TotalUniqueParticipants, s.PeakParticipants)),
            sessions.Select(s => (s.RoomSessionId, s.StartedAt.ToUnixTimeMilliseconds(), s.EndedAt?.ToUnixTimeMilliseconds(), s.EndInferred, s.TotalParticipantSeconds, s.TotalParticipantMinutes, s.TotalUniqueParticipants, s.PeakParticipants)));

        // A row a connection and session it is in (a stayer in each), its part there as the duration.
        var participants = new List<ParticipantView>();
        foreach (var session in sessions)
        {
            participants.AddRange(await room.GetParticipantsAsync(session.RoomSessionId));
        }
        Assert.Equal(
            expected.Rows(now).Select(r => (r.RoomSessionId, r.ParticipantId, r.PersonId, r.IsPerson, r.JoinedAt, r.LeftAt, r.LeftInferred, r.PartMs / 1000.0)),
            participants.OrderBy(p => p.RoomSessionId, StringComparer.Ordinal).ThenBy(p => p.ParticipantId, StringComparer.Ordinal)
                .Select(p => (p.RoomSessionId ?? "", p.ParticipantId, p.PersonId, p.IsPerson, p.JoinedAt.ToUnixTimeMilliseconds(), p.LeftAt?.ToUnixTimeMilliseconds(), p.LeftInferred, p.DurationSeconds)));
    }
}
