using System.Globalization;
using System.Text.Json;

namespace WherebyGrains.Api.Webhooks.Lenient;

/// <summary>
/// A count of clients is evidence or nothing: a whole number from 0, given as a JSON number
/// (<c>3</c>, <c>3.0</c>, <c>3e0</c>) or as text (<c>"3"</c>); anything else (1.5, -1, "x", an
/// object) reads as absent.
/// </summary>
internal static class LenientCount
{
    /// <summary>Reads the value at <paramref name="reader"/> (skipping it whole); null when it is not a count.</summary>
    public static int? Read(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (reader.TryGetInt32(out var exact))
                {
                    return exact >= 0 ? exact : null;
                }
                return reader.TryGetDouble(out var number) ? FromDouble(number) : null;
            case JsonTokenType.String:
                return double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? FromDouble(parsed) : null;
            default:
                reader.Skip();
                return null;
        }
    }

    private static int? FromDouble(double value) =>
        value is >= 0 and <= int.MaxValue && Math.Floor(value) == value ? (int)value : null;
}
