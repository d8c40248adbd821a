using System.IO.Hashing;
using System.Text;

namespace WherebyGrains.Grains;

/// <summary>
/// The 64-bit hash the grains keep of a text (archived event ids, people of archived sessions,
/// hand-off fingerprints) and pick shards by: XxHash64 of its UTF-8. Stored values depend on it,
/// so it never changes.
/// </summary>
internal static class TextHash
{
    /// <summary>The hash of <paramref name="text"/>.</summary>
    public static ulong Of(string text) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text));
}
