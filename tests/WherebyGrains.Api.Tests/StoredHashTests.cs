using WherebyGrains.Contracts;

namespace WherebyGrains.Api.Tests;

/// <summary>Stored keys and values depend on these hashes: each is pinned to the value releases wrote.</summary>
public sealed class StableHashTests
{
    [Fact]
    public void Every_hash_keeps_the_value_stored_data_depends_on()
    {
        Assert.Equal(4096269724203834812UL, StoredHash.Of("evt-1"));
        Assert.Equal("b8faf6c072c3c6363ae12e19ec657d33", StoredHash.Hex("0f8fad5b-d9cb-469f-a165-70867728950e"));
        Assert.Equal("d83d32da7aadd34a", StoredHash.ShortHex("/clinic-7"));
        Assert.Equal(12, StoredHash.Bucket("/clinic-7", 64));
        Assert.Equal("acme/12", IRoomIndexGrain.KeyFor("acme", "/clinic-7"));
        Assert.Equal("acme/s/b8faf6c072c3c6363ae12e19ec657d33", ISessionDirectoryGrain.KeyFor("acme", "0f8fad5b-d9cb-469f-a165-70867728950e"));
    }
}
