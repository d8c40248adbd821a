using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using WherebyGrains.Contracts;
using WherebyGrains.Simulator;
using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

/// <summary>Rooms whose names differ only in <c>/ \ # ?</c> and <c>_</c> keep records of their own (<see cref="DistinctRecordGrainStorage"/>).</summary>
public sealed class DistinctRecordTests
{
    private static GrainId Id(string type, string key) => GrainId.Create(type, key);

    [Theory]
    [InlineData("room", "acme/r6y7hw")]
    [InlineData("room", "acme/my_room-2")]
    [InlineData("roomsession", "acme/r6y7hw#0c5e1d0a-4d4b-4bbf-9f58-1f1e0a3c2b11")]
    [InlineData("roomsession", "acme/my_room#inferred-1764669600000")]
    [InlineData("person", "acme/0123456789abcdef0123456789abcdef")]
    [InlineData("sessiondirectory", "acme/s/0123456789abcdef0123456789abcdef")]
    [InlineData("roomindex", "acme/3")]
    public void Grains_that_cannot_share_a_record_keep_the_one_they_always_had(string type, string key)
    {
        Assert.Equal("room", DistinctRecordGrainStorage.StateNameOf("room", Id(type, key)));
    }

    [Theory]
    [InlineData("room", "acme/x#y")]
    [InlineData("room", "acme/x?y")]
    [InlineData("room", "acme/x\\y")]
    [InlineData("room", "acme/x/y")]
    [InlineData("roomsession", "acme#4/x#y#s1")]
    [InlineData("roomsession", "acme/x_y#s_1")]
    [InlineData("roomsession", "acme/x#s#1")]
    public void Grains_that_could_share_a_record_get_one_of_their_own(string type, string key)
    {
        var name = DistinctRecordGrainStorage.StateNameOf("room", Id(type, key));

        Assert.StartsWith("room~", name);
        Assert.Equal(name, DistinctRecordGrainStorage.StateNameOf("room", Id(type, key)));
        Assert.NotEqual(name, DistinctRecordGrainStorage.StateNameOf("room", Id(type, key + "z")));
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Rooms_whose_names_differ_only_in_characters_table_keys_refuse_keep_their_own_people_across_a_restart()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        string[] rooms = ["/x#y", "/x_y", "/x/y", "/x?y"];
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        await using (var silo = new SiloFactory(azurite.ConnectionString))
        {
            // Orleans' names for the grains the storage tells apart.
            Assert.Equal(DistinctRecordGrainStorage.RoomType, ((IAddressable)silo.Grains.GetGrain<IRoomGrain>("acme/x")).GetGrainId().Type.ToString());
            Assert.Equal(DistinctRecordGrainStorage.RoomSessionType, ((IAddressable)silo.Grains.GetGrain<IArchivedSessionGrain>("acme/x#s")).GetGrainId().Type.ToString());

            var sender = silo.Webhooks();
            for (var i = 0; i < rooms.Length; i++)
            {
                var (status, body) = await sender.SendAsync(WherebyPayloads.Client(WherebyEventTypes.ClientJoined, rooms[i], at, $"p{i}", $"s{i}", "visitor", $"person-{i}"));
                Assert.True(status == 200, body);
            }
            // Disposing the silo deactivates the rooms, which write what they hold.
        }
        await using (var silo = new SiloFactory(azurite.ConnectionString))
        {
            for (var i = 0; i < rooms.Length; i++)
            {
                var presence = JsonDocument.Parse(await silo.Reader().GetStringAsync("/v1/rooms/presence?roomName=" + Uri.EscapeDataString(rooms[i]), TestContext.Current.CancellationToken)).RootElement;
                Assert.Equal([$"p{i}"], presence.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("participantId").GetString()));
            }
        }
    }
}
