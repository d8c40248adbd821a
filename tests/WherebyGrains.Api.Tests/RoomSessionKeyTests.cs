using WherebyGrains.Contracts;

namespace WherebyGrains.Api.Tests;

public sealed class RoomSessionKeyTests
{
    [Theory]
    [InlineData("/r6y7hw", "s1")]
    [InlineData("/r6y7hw", "s#1")]
    [InlineData("/r6y7hw", "#")]
    [InlineData("/r6y7hw", "")]
    [InlineData("/a#b", "s1")]
    [InlineData("/a#b", "s#1")]
    [InlineData("/#", "#")]
    [InlineData("/#1/x#", "#2#")]
    [InlineData("/a#b#c", "##")]
    [InlineData("/12#34", "5#6")]
    public void Room_names_and_session_ids_with_a_hash_round_trip(string roomName, string roomSessionId)
    {
        var key = new RoomSessionKey(new RoomKey("acme-2", roomName), roomSessionId);

        Assert.Equal(key, RoomSessionKey.Parse(key.ToString()));
    }

    [Fact]
    public void A_room_name_without_a_hash_keeps_the_key_its_archived_sessions_were_stored_under()
    {
        // Records written before the typed key: '{roomKey}#{roomSessionId}', split at the first '#'.
        Assert.Equal("acme/r6y7hw#s1", new RoomSessionKey(new RoomKey("acme", "/r6y7hw"), "s1").ToString());
        Assert.Equal("acme/r6y7hw#s#1", new RoomSessionKey(new RoomKey("acme", "/r6y7hw"), "s#1").ToString());
        Assert.Equal(new RoomSessionKey(new RoomKey("acme", "/r6y7hw"), "s#1"), RoomSessionKey.Parse("acme/r6y7hw#s#1"));
    }

    [Fact]
    public void A_room_name_with_a_hash_is_written_with_its_length()
    {
        var key = new RoomSessionKey(new RoomKey("acme", "/a#b"), "s#1");

        Assert.Equal("acme#4/a#b#s#1", key.ToString());
        // Read as the old form, this key would have been room '/a', session 'b#s1'.
        Assert.NotEqual(new RoomKey("acme", "/a"), RoomSessionKey.Parse("acme#4/a#b#s1").Room);
    }

    [Theory]
    [InlineData("")]
    [InlineData("acme")]
    [InlineData("/room#s1")]
    [InlineData("#4/a#b#s1")]
    [InlineData("acme/room")]
    [InlineData("acme#/a#b#s1")]
    [InlineData("acme#x/a#b#s1")]
    [InlineData("acme#9/a#b#s1")]
    [InlineData("acme#99/a#b")]
    [InlineData("acme#3/a#b#s1")]
    [InlineData("acme#-4/a#b#s1")]
    public void A_key_of_neither_form_is_refused(string key)
    {
        Assert.Throws<FormatException>(() => RoomSessionKey.Parse(key));
    }
}
