using System.Buffers.Text;
using System.Text;

namespace WherebyGrains.Api.Queries;

/// <summary>
/// Opaque keyset cursors: the sort key of the last row served, so that the next page starts
/// right after it however many rows arrived meanwhile (offsets would shift as rows are added).
/// </summary>
public static class Cursor
{
    private const string Version = "1";

    /// <summary>Encodes <paramref name="parts"/> of a cursor of <paramref name="kind"/>.</summary>
    public static string Encode(string kind, params string[] parts) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('\n', [Version, kind, .. parts])));

    /// <summary>Decodes a cursor of <paramref name="kind"/> with <paramref name="count"/> parts; false when it is not one.</summary>
    public static bool TryDecode(string cursor, string kind, int count, out string[] parts)
    {
        parts = [];
        try
        {
            var fields = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('\n');
            if (fields.Length != count + 2 || fields[0] != Version || fields[1] != kind)
            {
                return false;
            }
            parts = fields[2..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
