using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WherebyGrains.Contracts;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// Through the real front door: what a signed event's fields may be (lenient, counted) and what its
/// <c>createdAt</c> may not (400 with a detail, and nothing recorded).
/// </summary>
public sealed class WebhookLeniencyTests(MemorySiloFixture fixture) : IClassFixture<MemorySiloFixture>
{
    private static string Id() => Guid.NewGuid().ToString("N");

    private static string Joined(string room, string id, string createdAt, string extra) =>
        $$$"""{"id":"{{{id}}}","apiVersion":"1.0","createdAt":"{{{createdAt}}}","type":"room.client.joined","data":{"roomName":"{{{room}}}","participantId":"p-{{{id}}}",{{{extra}}}}}""";

    private static string Now(TimeSpan offset = default) => (DateTimeOffset.UtcNow + offset).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    private IRoomGrain Room(string name) => fixture.Silo.Grains.GetGrain<IRoomGrain>(new RoomKey(SiloFactory.Tenant, name).ToString());

    [Theory]
    [InlineData("\"numClients\":\"3\"", "data.numClients")]
    [InlineData("\"numClients\":1.5", "data.numClients")]
    [InlineData("\"displayName\":{\"first\":\"Ada\"}", "data.displayName")]
    [InlineData("\"externalId\":12345", "data.externalId")]
    [InlineData("\"numClientsByRoleName\":{\"host\":\"1\",\"visitor\":[]}", "data.numClientsByRoleName")]
    public async Task A_field_read_leniently_is_accepted_recorded_and_counted(string extra, string field)
    {
        var room = "/lenient-" + Id();
        var id = Id();
        // Only this silo's meter (other test classes run silos in this process at the same time, and
        // the fuzzer sends lenient fields too), by field.
        var meters = fixture.Silo.Services.GetRequiredService<IMeterFactory>();
        var counted = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "wherebygrains.webhooks.lenient" && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "wherebygrains.field")
                {
                    counted.AddOrUpdate((string)tag.Value!, value, (_, n) => n + value);
                }
            }
        });
        listener.Start();

        var (status, body) = await fixture.Silo.Webhooks().SendAsync(Joined(room, id, Now(), extra));

        Assert.True(200 == status, body);
        Assert.Equal("accepted", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
        Assert.Contains(await Room(room).GetRecordedEventsAsync(), e => e.Id == id);
        Assert.Equal([new KeyValuePair<string, long>(field, 1)], counted);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"x\"")]
    [InlineData("12")]
    public async Task An_unknown_type_with_any_data_is_acknowledged(string data)
    {
        var (status, body) = await fixture.Silo.Webhooks().SendAsync(
            $$"""{"id":"{{Id()}}","createdAt":"{{Now()}}","type":"some.future.event","data":{{data}}}""");
        Assert.True(200 == status, body);
    }

    [Theory]
    [InlineData(6.0, "later than the signature")]
    [InlineData(60 * 24 * 60.0, "later than the signature")]
    [InlineData(-31 * 24 * 60.0, "MaxEventAge")]
    [InlineData(-56 * 365 * 24 * 60.0, "MaxEventAge")]
    public async Task A_createdAt_outside_the_signature_window_is_a_400_and_changes_nothing(double minutes, string detail)
    {
        var room = "/bounds-" + Id();
        var (status, body) = await fixture.Silo.Webhooks().SendAsync(Joined(room, Id(), Now(TimeSpan.FromMinutes(minutes)), "\"numClients\":1"));

        Assert.True(400 == status, body);
        Assert.Contains(detail, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
        Assert.Empty(await Room(room).GetRecordedEventsAsync());
    }

    [Fact]
    public async Task A_createdAt_without_a_zone_is_a_400()
    {
        var room = "/zoneless-" + Id();
        var (status, body) = await fixture.Silo.Webhooks().SendAsync(Joined(room, Id(), Now().TrimEnd('Z'), "\"numClients\":1"));

        Assert.True(400 == status, body);
        Assert.Contains("no time zone", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
        Assert.Empty(await Room(room).GetRecordedEventsAsync());
    }
}
