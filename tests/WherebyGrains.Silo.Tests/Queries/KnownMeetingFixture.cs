using WherebyGrains.Simulator;
using WherebyGrains.Contracts;
using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// A silo on Azurite that has received, as signed webhooks out of order, a known meeting of
/// yesterday in /class-a and a live one in /class-b. The expected numbers are worked out by hand
/// in <see cref="QueryApiTests"/>.
/// </summary>
public sealed class KnownMeetingFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Ten = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date, TimeSpan.Zero).AddDays(-1).AddHours(10);

    public static readonly DateTimeOffset LiveStart = DateTimeOffset.UtcNow.AddMinutes(-5);

    public const string TrickyName = "Ann, \"the\" \nteacher";
    public const string FormulaName = "=HYPERLINK(\"http://x\")";

    private AzuriteProcess? _azurite;
    private SiloFactory? _silo;

    public SiloFactory Silo => _silo!;

    public static DateTimeOffset At(int minutes) => Ten.AddMinutes(minutes);

    public async ValueTask InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartAsync();
        _silo = new SiloFactory(_azurite.ConnectionString);
        var a = "/class-a";
        var b = "/class-b";
        var events = new List<string>
        {
            WherebyPayloads.Client(WherebyEventTypes.ClientJoined, a, At(0), "alice-1", null, "visitor", "stu-1", FormulaName),
            WherebyPayloads.Client(WherebyEventTypes.ClientJoined, a, At(5), "bob-1", "s1", "host", "tch-1", TrickyName),
            WherebyPayloads.Session(WherebyEventTypes.SessionStarted, a, At(5), "s1"),
            WherebyPayloads.Client(WherebyEventTypes.ClientJoined, a, At(6), "rec-1", "s1", "recorder"),
            WherebyPayloads.Client(WherebyEventTypes.ClientJoined, a, At(10), "alice-2", "s1", "visitor", "stu-1", FormulaName),
            WherebyPayloads.Client(WherebyEventTypes.ClientLeft, a, At(20), "alice-2", "s1", "visitor", "stu-1", FormulaName),
            WherebyPayloads.Client(WherebyEventTypes.ClientLeft, a, At(40), "rec-1", "s1", "recorder"),
            WherebyPayloads.Client(WherebyEventTypes.ClientLeft, a, At(50), "alice-1", "s1", "visitor", "stu-1", FormulaName),
            WherebyPayloads.Client(WherebyEventTypes.ClientLeft, a, At(55), "bob-1", "s1", "host", "tch-1", TrickyName),
            WherebyPayloads.Session(WherebyEventTypes.SessionEnded, a, At(56), "s1"),
            WherebyPayloads.Client(WherebyEventTypes.ClientJoined, b, LiveStart, "alice-3", "s9", "visitor", "stu-1", "Alice"),
            WherebyPayloads.Client(WherebyEventTypes.ClientJoined, b, LiveStart.AddMinutes(1), "carol-1", "s9", "host", "tch-2", "Carol"),
            WherebyPayloads.Session(WherebyEventTypes.SessionStarted, b, LiveStart.AddMinutes(1), "s9"),
            WherebyPayloads.Client(WherebyEventTypes.ClientKnocked, b, LiveStart.AddMinutes(2), "dave-1", null, "visitor", null, "Dave"),
        };
        var sender = _silo.Webhooks();
        var random = new Random(4);
        foreach (var body in events.Concat(events.Take(3)).OrderBy(_ => random.Next()))
        {
            var (status, _) = await sender.SendAsync(body);
            Assert.Equal(200, status);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
