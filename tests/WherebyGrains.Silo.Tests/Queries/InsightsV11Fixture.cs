using System.Text;
using WherebyGrains.Contracts;
using WherebyGrains.Simulator;
using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// A silo on Azurite with the meetings of <see cref="InsightsV11Tests"/>, sent as signed webhooks
/// out of order with duplicates. Times are yesterday's (<see cref="At"/>), so every session has ended.
/// <list type="bullet">
/// <item><c>/machines</c> (acme): s1 10:00–11:00 with a host and a visitor all along, recorders
/// 10:05:00–10:20:30 and 10:30:00–10:40:01, a streamer 10:10–10:50; s2 12:00–12:30 with the same
/// two people, an anonymous visitor 12:00–12:10 and a recorder 12:05–12:10.</item>
/// <item><c>/a#b</c> (acme): session <c>s#1</c>, two people 13:00–13:20.</item>
/// <item><c>/clinic</c> (globex, <c>Identity: SignedMetadata</c>, present from 1,200 attended seconds):
/// session c1 10:00–10:30, a clinician with an externalId and signed metadata, and two patients'
/// connections that typed the same externalId (10:00–10:10, and 10:10–10:30 after knocking at 10:05);
/// a walk-in knocks at 10:20 and gives up a minute later.</item>
/// </list>
/// </summary>
public sealed class InsightsV11Fixture : IAsyncLifetime
{
    /// <summary>Yesterday, 10:00 UTC.</summary>
    public static readonly DateTimeOffset Ten = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date, TimeSpan.Zero).AddDays(-1).AddHours(10);

    /// <summary>The key globex signs metadata with.</summary>
    public const string MetadataKey = "globex-metadata-key";

    /// <summary>The service's AbandonAfter in this silo (not the default, to see it reach the rules).</summary>
    public static readonly TimeSpan AbandonAfter = TimeSpan.FromHours(3);

    private AzuriteProcess? _azurite;
    private SiloFactory? _silo;

    /// <summary>The running silo.</summary>
    public SiloFactory Silo => _silo ?? throw new InvalidOperationException("The silo has not started.");

    /// <summary>Yesterday 10:00 plus <paramref name="minutes"/>.</summary>
    public static DateTimeOffset At(double minutes) => Ten.AddMinutes(minutes);

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartAsync();
        _silo = new SiloFactory(_azurite.ConnectionString, new Dictionary<string, string>
        {
            [$"WherebyGrains:Tenants:{SiloFactory.OtherTenant}:Identity"] = "SignedMetadata",
            [$"WherebyGrains:Tenants:{SiloFactory.OtherTenant}:MetadataKeys:0"] = MetadataKey,
            [$"WherebyGrains:Tenants:{SiloFactory.OtherTenant}:Attendance:PresentSeconds"] = "1200",
            ["WherebyGrains:Sessions:AbandonAfter"] = AbandonAfter.ToString(),
        });

        const string m = "/machines";
        const string joined = WherebyEventTypes.ClientJoined;
        const string left = WherebyEventTypes.ClientLeft;
        var acme = new List<string>
        {
            WherebyPayloads.Session(WherebyEventTypes.SessionStarted, m, At(0), "s1"),
            WherebyPayloads.Client(joined, m, At(0), "h-1", "s1", "host", "tch-9", "Teacher"),
            WherebyPayloads.Client(joined, m, At(0), "v-1", "s1", "visitor", "stu-9", "Student"),
            WherebyPayloads.Client(joined, m, At(5), "rec-1", "s1", "recorder"),
            WherebyPayloads.Client(left, m, At(20.5), "rec-1", "s1", "recorder"),
            WherebyPayloads.Client(joined, m, At(10), "str-1", "s1", "streamer"),
            WherebyPayloads.Client(left, m, At(50), "str-1", "s1", "streamer"),
            WherebyPayloads.Client(joined, m, At(30), "rec-2", "s1", "recorder"),
            WherebyPayloads.Client(left, m, At(40).AddSeconds(1), "rec-2", "s1", "recorder"),
            WherebyPayloads.Client(left, m, At(60), "h-1", "s1", "host", "tch-9", "Teacher"),
            WherebyPayloads.Client(left, m, At(60), "v-1", "s1", "visitor", "stu-9", "Student"),
            WherebyPayloads.Session(WherebyEventTypes.SessionEnded, m, At(60), "s1"),

            WherebyPayloads.Session(WherebyEventTypes.SessionStarted, m, At(120), "s2"),
            WherebyPayloads.Client(joined, m, At(120), "h-2", "s2", "host", "tch-9", "Teacher"),
            WherebyPayloads.Client(joined, m, At(120), "v-2", "s2", "visitor", "stu-9", "Student"),
            WherebyPayloads.Client(joined, m, At(120), "anon-1", "s2", "visitor", null, "Guest"),
            WherebyPayloads.Client(left, m, At(130), "anon-1", "s2", "visitor", null, "Guest"),
            WherebyPayloads.Client(joined, m, At(125), "rec-3", "s2", "recorder"),
            WherebyPayloads.Client(left, m, At(130), "rec-3", "s2", "recorder"),
            WherebyPayloads.Client(left, m, At(150), "h-2", "s2", "host", "tch-9", "Teacher"),
            WherebyPayloads.Client(left, m, At(150), "v-2", "s2", "visitor", "stu-9", "Student"),
            WherebyPayloads.Session(WherebyEventTypes.SessionEnded, m, At(150), "s2"),

            WherebyPayloads.Session(WherebyEventTypes.SessionStarted, "/a#b", At(180), "s#1"),
            WherebyPayloads.Client(joined, "/a#b", At(180), "ha-1", "s#1", "host", "tch-hash", "Host"),
            WherebyPayloads.Client(joined, "/a#b", At(180), "va-1", "s#1", "visitor", "stu-hash", "Visitor"),
            WherebyPayloads.Client(left, "/a#b", At(200), "ha-1", "s#1", "host", "tch-hash", "Host"),
            WherebyPayloads.Client(left, "/a#b", At(200), "va-1", "s#1", "visitor", "stu-hash", "Visitor"),
            WherebyPayloads.Session(WherebyEventTypes.SessionEnded, "/a#b", At(200), "s#1"),
        };

        const string c = "/clinic";
        var key = Encoding.UTF8.GetBytes(MetadataKey);
        var signed = GeneratedMeeting.SignMetadata("doctor-1", At(0).ToUnixTimeSeconds(), key);
        var globex = new List<string>
        {
            WherebyPayloads.Session(WherebyEventTypes.SessionStarted, c, At(0), "c1"),
            WherebyPayloads.Client(joined, c, At(0), "doc-1", "c1", "host", "ext-doc", "Dr. Who", signed),
            WherebyPayloads.Client(joined, c, At(0), "pat-1", "c1", "visitor", "ext-pat", "Patient"),
            WherebyPayloads.Client(left, c, At(10), "pat-1", "c1", "visitor", "ext-pat", "Patient"),
            WherebyPayloads.Client(WherebyEventTypes.ClientKnocked, c, At(5), "pat-2", "c1", "visitor", "ext-pat", "Patient"),
            WherebyPayloads.Client(joined, c, At(10), "pat-2", "c1", "visitor", "ext-pat", "Patient"),
            WherebyPayloads.Client(WherebyEventTypes.ClientKnocked, c, At(20), "pat-9", "c1", "visitor", null, "Walk-in"),
            WherebyPayloads.Client(WherebyEventTypes.ClientKnockCancelled, c, At(21), "pat-9", "c1", "visitor", null, "Walk-in"),
            WherebyPayloads.Client(left, c, At(30), "pat-2", "c1", "visitor", "ext-pat", "Patient"),
            WherebyPayloads.Client(left, c, At(30), "doc-1", "c1", "host", "ext-doc", "Dr. Who", signed),
            WherebyPayloads.Session(WherebyEventTypes.SessionEnded, c, At(30), "c1"),
        };

        var random = new Random(16);
        await SendAsync(_silo.Webhooks(), acme, random);
        await SendAsync(new WebhookSender(_silo.CreateClient(), SiloFactory.OtherTenant, SiloFactory.OtherSecret), globex, random);
    }

    private static async Task SendAsync(WebhookSender sender, List<string> events, Random random)
    {
        foreach (var body in events.Concat(events.Take(4)).OrderBy(_ => random.Next()))
        {
            var (status, answer) = await sender.SendAsync(body);
            Assert.True(status == 200, $"{status} {answer}");
        }
    }

    /// <inheritdoc />
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
