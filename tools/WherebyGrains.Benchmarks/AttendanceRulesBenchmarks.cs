using WherebyGrains.Simulator;
using BenchmarkDotNet.Attributes;
using WherebyGrains.Attendance;
using WherebyGrains.Testing;

namespace WherebyGrains.Benchmarks;

/// <summary>
/// The attendance rules over a whole room: a generated meeting history (classes with rejoins,
/// tabs, lost lefts), and a 2,000-person webinar. Divide by <see cref="Events"/> for per-event figures.
/// </summary>
[MemoryDiagnoser]
public class AttendanceRulesBenchmarks
{
    private List<RoomEvent> _events = [];
    private long _now;

    [Params("meetings", "webinar-2000")]
    public string Room { get; set; } = "meetings";

    /// <summary>Events in the room (reported in the results' parameters).</summary>
    public int Events => _events.Count;

    [GlobalSetup]
    public void Setup()
    {
        if (Room == "meetings")
        {
            // Twenty generated meeting histories laid end to end in one room.
            var origin = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
            _events = [.. Enumerable.Range(0, 20).SelectMany(i => GeneratedMeeting.Generate(1000 + i, origin.AddDays(i)).Events)];
            _now = origin.AddDays(21).ToUnixTimeMilliseconds();
        }
        else
        {
            var start = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
            _events = [new RoomEvent { Id = "started", Kind = RoomEventKind.SessionStarted, At = start, RoomSessionId = "w" }];
            for (var i = 0; i < 2000; i++)
            {
                var joined = start + i % 120 * 1000;
                _events.Add(new RoomEvent { Id = $"j{i}", Kind = RoomEventKind.Joined, At = joined, ParticipantId = $"p{i}", ExternalId = $"u{i}", RoleName = "viewer", RoomSessionId = "w" });
                _events.Add(new RoomEvent { Id = $"l{i}", Kind = RoomEventKind.Left, At = joined + (i % 60 + 1) * 60_000, ParticipantId = $"p{i}", ExternalId = $"u{i}", RoleName = "viewer", RoomSessionId = "w" });
            }
            _events.Add(new RoomEvent { Id = "ended", Kind = RoomEventKind.SessionEnded, At = start + 91 * 60_000, RoomSessionId = "w" });
            _now = start + 120 * 60_000;
        }
        Console.WriteLine($"// {Room}: {_events.Count} events");
    }

    [Benchmark]
    public int Compute() => RoomTimeline.Compute(_events, _now, AttendanceSettings.Default).Sessions.Count;
}
