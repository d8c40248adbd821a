using System.IO.Hashing;
using System.Text;

namespace WherebyGrains.Contracts;

/// <summary>
/// Every hash the service keeps or keys storage by, in one place: xxHash of a text's UTF-8, in the
/// width each use needs. Stored keys and values depend on them, so none ever changes (a test pins
/// each); a new use takes one of these, never a new variant.
/// </summary>
public static class StoredHash
{
    /// <summary>64 bits, as a number: what the grains keep of a text (archived event ids, people of archived sessions, fingerprints) and shard by.</summary>
    public static ulong Of(string text) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text));

    /// <summary>128 bits in lower-case hex (32 characters): in storage keys, where a collision would mix two records.</summary>
    public static string Hex(string text) => Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(text)));

    /// <summary>64 bits in lower-case hex (16 characters): the tail of a room name too long for a key of its own.</summary>
    public static string ShortHex(string text) => Convert.ToHexStringLower(XxHash64.Hash(Encoding.UTF8.GetBytes(text)));

    /// <summary>The bucket of <paramref name="text"/> among <paramref name="buckets"/> (32 bits, modulo).</summary>
    public static int Bucket(string text, int buckets) => (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(text)) % (uint)buckets);
}
