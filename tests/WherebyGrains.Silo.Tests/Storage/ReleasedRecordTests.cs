using System.Text.Json;
using WherebyGrains.Contracts;
using WherebyGrains.Grains;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// Grain records as a release wrote them (Orleans' binary format, deflated, as on Azure Table),
/// kept in <c>ReleasedRecords/{release}/</c>: every later release reads them whole. Grain state
/// changes only by adding <c>[Id]</c>s; a change that breaks this breaks rooms in production.
/// </summary>
/// <remarks>
/// To keep a new release's records: <c>WHEREBYGRAINS_RELEASED_RECORDS_OUT=dir dotnet test --filter
/// ReleasedRecordTests</c>, then copy <c>dir</c> to <c>ReleasedRecords/{release}</c> and add the release below.
/// </remarks>
public sealed class ReleasedRecordTests
{
    /// <summary>Releases whose records are kept.</summary>
    public static TheoryData<string> Releases => ["86c32b4"];

    private static readonly CompressedGrainStateSerializer Stored = new(GrainStateCompressionTests.Plain);

    [Theory]
    [MemberData(nameof(Releases))]
    public void Every_record_a_release_wrote_reads_whole(string release)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "ReleasedRecords", release);
        Assert.True(Directory.Exists(folder), folder);
        Same(Samples.Room(), Read<RoomState>(folder, "room"));
        Same(Samples.RoomSession(), Read<ArchivedSessionState>(folder, "roomsession"));
        Same(Samples.Person(), Read<PersonState>(folder, "person"));
        Same(Samples.SessionDirectory(), Read<SessionDirectoryState>(folder, "sessiondirectory"));
        Same(Samples.RoomIndex(), Read<RoomIndexState>(folder, "roomindex"));
        Same(Samples.RoomHistory(), Read<RoomHistoryState>(folder, "roomhistory"));
    }

    [Fact]
    public void The_samples_round_trip_and_are_written_when_asked()
    {
        var output = Environment.GetEnvironmentVariable("WHEREBYGRAINS_RELEASED_RECORDS_OUT");
        RoundTrip(output, "room", Samples.Room());
        RoundTrip(output, "roomsession", Samples.RoomSession());
        RoundTrip(output, "person", Samples.Person());
        RoundTrip(output, "sessiondirectory", Samples.SessionDirectory());
        RoundTrip(output, "roomindex", Samples.RoomIndex());
        RoundTrip(output, "roomhistory", Samples.RoomHistory());
    }

    /// <summary>Stores <paramref name="state"/> as the service does (by its declared type), reads it back, and keeps the bytes in <paramref name="output"/> if given.</summary>
    private static void RoundTrip<T>(string? output, string name, T state) where T : class
    {
        var bytes = Stored.Serialize(state).ToArray();
        Same(state, Stored.Deserialize<T>(new BinaryData(bytes))!);
        if (!string.IsNullOrEmpty(output))
        {
            Directory.CreateDirectory(output);
            File.WriteAllBytes(Path.Combine(output, name + ".bin"), bytes);
        }
    }

    private static T Read<T>(string folder, string name) =>
        Stored.Deserialize<T>(new BinaryData(File.ReadAllBytes(Path.Combine(folder, name + ".bin"))))!;

    /// <summary>Equal member by member, as JSON (the states are mutable classes without equality of their own).</summary>
    private static void Same(object expected, object actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(JsonSerializer.Serialize(expected, expected.GetType()), JsonSerializer.Serialize(actual, actual.GetType()));
    }

    /// <summary>One record of each kind with every member set, as the release wrote them. Never change what these set.</summary>
    private static class Samples
    {
        private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

        private static WherebyEvent Event(int i, string type, string? session = "rs-1") => new()
        {
            Id = $"evt-{i}", Type = type, CreatedAt = Start.AddMinutes(i), RoomName = "/clinic-7", RoomSessionId = session,
            ParticipantId = $"p-{i % 3}", RoleName = i % 2 == 0 ? "host" : "visitor", ExternalId = $"ext-{i % 3}", DisplayName = $"Name {i % 3}",
            Metadata = "meta", NumClients = i % 4, IsDialIn = i % 5 == 0, MeetingId = "m-1", ReceivedAt = Start.AddMinutes(i).AddSeconds(1),
            NumClientsByRoleName = new Dictionary<string, int> { ["host"] = 1, ["visitor"] = i % 4 },
        };

        private static RoomSessionView View(string id, int hour) => new()
        {
            RoomSessionId = id, RoomName = "/clinic-7", StartedAt = Start.AddHours(hour), EndedAt = Start.AddHours(hour).AddMinutes(30),
            DurationSeconds = 1800, TotalParticipantMinutes = 58, TotalParticipantSeconds = 3480.5, TotalUniqueParticipants = 2,
            PeakParticipants = 2, EndInferred = hour % 2 == 1, TotalRecorderMinutes = 3, TotalStreamerMinutes = 4, TotalUniqueRecorders = 1, TotalUniqueStreamers = 1,
        };

        private static AttendanceRow Row(string session) => new()
        {
            RoomName = "/clinic-7", RoomSessionId = session, SessionStartedAt = Start, SessionEndedAt = Start.AddMinutes(30),
            FirstJoinedAt = Start.AddMinutes(1), LastLeftAt = Start.AddMinutes(29), AttendedSeconds = 1680, Connections = 2, AttendanceRatio = 0.93,
        };

        private static void FillLedger(LedgerState ledger)
        {
            ledger.Events.AddRange([Event(1, WherebyEventTypes.ClientJoined), Event(2, WherebyEventTypes.ClientLeft), Event(3, WherebyEventTypes.SessionEnded, null)]);
            ledger.HandedOff["rs-1\nperson-a"] = 0xFEEDFACE;
            ledger.Outbox.Add(new PersonHandOff("person-a", Row("rs-1"), 4));
            ledger.Outbox.Add(PersonHandOff.Withdrawal("person-b", "/clinic-7", "rs-0", 5));
            ledger.Revision = 42;
        }

        public static RoomState Room()
        {
            var room = new RoomState
            {
                Indexed = true,
                RegisteredSessions = ["rs-1", "rs-2"],
                EndedCounted = ["rs-1"],
                HistoryMonths = ["202610", "202611"],
                HistoryPeople = [11, 12, 13],
                ArchivedEventIds = new() { [7] = 1000, [8] = 2000 },
            };
            FillLedger(room);
            room.HistoryTotals.Add(View("old-1", 0));
            room.HistoryTotals.Add(View("old-2", 1));
            room.Archived.Add(new ArchivedSession("rs-0", 1, 2, View("rs-0", 2), [1, 2]));
            room.Archived.Add(new ArchivedSession("rs-00", 3, 4, View("rs-00", 3), [3], "rs-0", 2, 4));
            return room;
        }

        public static ArchivedSessionState RoomSession()
        {
            var session = new ArchivedSessionState { RoomSessionId = "rs-0" };
            FillLedger(session);
            return session;
        }

        public static PersonState Person()
        {
            var person = new PersonState();
            person.Merge(new PersonHandOff("person-a", Row("rs-1"), 4));
            person.Merge(PersonHandOff.Withdrawal("person-a", "/clinic-7", "rs-0", 5));
            return person;
        }

        public static SessionDirectoryState SessionDirectory() => new() { Rooms = new(StringComparer.Ordinal) { ["rs-1"] = ["/clinic-7", "/clinic-8"] } };

        public static RoomIndexState RoomIndex() => new() { Rooms = new(StringComparer.Ordinal) { "/clinic-7", "/clinic-8" } };

        public static RoomHistoryState RoomHistory() => new() { Sessions = new(StringComparer.Ordinal) { ["old-1"] = View("old-1", 0) } };
    }
}
