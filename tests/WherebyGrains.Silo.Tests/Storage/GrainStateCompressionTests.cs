using Azure.Data.Tables;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using WherebyGrains.Contracts;
using WherebyGrains.Grains;
using WherebyGrains.ServiceDefaults;
using WherebyGrains.Simulator;
using static WherebyGrains.Testing.WebhookSender;

namespace WherebyGrains.Silo.Tests;

/// <summary>Grain records on Azure Table are deflated; records written before that still read.</summary>
public sealed class GrainStateCompressionTests
{
    /// <summary>Orleans' binary format as it is: what releases before compression wrote.</summary>
    internal static readonly OrleansGrainStorageSerializer Plain =
        new(new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>());

    [Fact]
    public void A_room_record_is_stored_deflated_behind_its_marker_and_read_back_whole()
    {
        var room = new RoomState { Revision = 300, Indexed = true };
        var start = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 300; i++)
        {
            room.Events.Add(new WherebyEvent
            {
                Id = $"evt-{i}", Type = WherebyEventTypes.ClientJoined, CreatedAt = start.AddSeconds(i), RoomName = "/class-7b",
                RoomSessionId = "0f8fad5b-d9cb-469f-a165-70867728950e", ParticipantId = $"p{i}", RoleName = "visitor", DisplayName = $"Student {i % 30}",
            });
        }
        var compressed = new CompressedGrainStateSerializer(Plain);

        var stored = compressed.Serialize(room).ToArray();
        var read = compressed.Deserialize<RoomState>(new BinaryData(stored))!;

        Assert.Equal([0xF7, (byte)'W', (byte)'G', (byte)'Z'], stored[..4]);
        Assert.True(stored.Length * 3 < Plain.Serialize(room).ToArray().Length, $"{stored.Length} bytes deflated is not a third of {Plain.Serialize(room).ToArray().Length}");
        Assert.Equal(room.Events, read.Events);
        Assert.Equal((300L, true), (read.Revision, read.Indexed));
    }

    [Fact]
    public void A_record_written_before_compression_is_read_as_it_is()
    {
        var room = new RoomState { Revision = 7, RegisteredSessions = ["s1"] };
        var read = new CompressedGrainStateSerializer(Plain).Deserialize<RoomState>(Plain.Serialize(room))!;
        Assert.Equal(7, read.Revision);
        Assert.Equal(["s1"], read.RegisteredSessions);
    }
}

/// <summary>The upgrade against real Azurite: a room a release before compression wrote is read by this one, which writes it deflated.</summary>
[Trait("Category", "Integration")]
public sealed class GrainStateCompressionUpgradeTests : AzuriteTest
{
    [Fact]
    public async Task A_room_recorded_before_compression_keeps_its_events_and_is_rewritten_deflated()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var first = WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/upgraded", at, participantId: "p1");
        var second = WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/upgraded", at.AddSeconds(1), participantId: "p2");

        await using (var before = new SiloFactory(Azurite.ConnectionString)
        {
            // The release before: grain records in Orleans' binary format as it is.
            Configure = b => b.ConfigureTestServices(s => s.PostConfigure<AzureTableStorageOptions>(StorageNames.Grains, o =>
                o.GrainStorageSerializer = GrainStateCompressionTests.Plain)),
        })
        {
            Assert.Equal((200, "accepted"), StatusAndBody(await before.Webhooks().SendAsync(first)));
            await before.Grains.GetGrain<IRoomGrain>(new RoomKey(SiloFactory.Tenant, "/upgraded").ToString()).GetRecordedEventsAsync();
        }
        Assert.False(await RoomRecordIsDeflatedAsync());

        await using (var after = new SiloFactory(Azurite.ConnectionString))
        {
            Assert.Equal((200, "duplicate"), StatusAndBody(await after.Webhooks().SendAsync(first)));
            Assert.Equal((200, "accepted"), StatusAndBody(await after.Webhooks().SendAsync(second)));
            var room = after.Grains.GetGrain<IRoomGrain>(new RoomKey(SiloFactory.Tenant, "/upgraded").ToString());
            Assert.Equal(["p1", "p2"], (await room.GetRecordedEventsAsync()).Select(e => e.ParticipantId));
        }
        Assert.True(await RoomRecordIsDeflatedAsync());
    }

    private static (int, string?) StatusAndBody((int Status, string Body) answer) => (answer.Status, StatusOf(answer.Body));

    /// <summary>Whether the room's grain record, as stored, starts with the deflated marker.</summary>
    private async Task<bool> RoomRecordIsDeflatedAsync()
    {
        var table = new TableServiceClient(Azurite.ConnectionString).GetTableClient(StorageClients.GrainStateTable);
        await foreach (var entity in table.QueryAsync<TableEntity>())
        {
            if (entity.PartitionKey.Contains("upgraded", StringComparison.Ordinal) && entity.GetBinary("Data") is { } data)
            {
                return data.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xF7, (byte)'W', (byte)'G', (byte)'Z']);
            }
        }
        throw new InvalidOperationException("The room's record is not in the table.");
    }
}
