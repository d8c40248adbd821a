using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;

namespace WherebyGrains.Silo.Tests.Fuzzing;

/// <summary>The odd values a careless sender or an attacker would try: of every JSON type, huge, tiny, malformed.</summary>
public static class FuzzValues
{
    private static readonly string[] Strings =
    [
        "", " ", "x", "3", "3.0", "1.5", "-1", "1e308", "NaN", "Infinity", "null", "true", "0x10",
        "99999999999999999999", "-9223372036854775808", "9223372036854775807", "/", "//", "/a/../b",
        "\u0000", "\u0007bell", "line\nbreak", "tab\tx", "\u007f", "\ud800", "\udfff\ud800", "é", "👩‍🏫", "\u202eevil",
        "=1+1", "@SUM(A1)", "<script>", "' OR 1=1 --", "%00", "%2F", "..%2F..", "\\", "\"", "{}", "[]",
        "2026-11-29T10:15:00.000Z", "2026-11-29T10:15:00", "2026-11-29", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z",
        "2026-11-29T10:15:00+14:00", "2026-11-29T10:15:00-25:00", "2026-13-45T99:99:99Z", "1970-01-01T00:00:00Z",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "3", "3.0", "1.5", "1e2", "1E-7", "-1e308", "1e309", "4294967296", "2147483648",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999999999999999",
        "0.000000000000000000000000000001", "123456789012345678901234567890.5",
    ];

    /// <summary>An odd string.</summary>
    public static string String(Random random) => random.Next(6) switch
    {
        0 => new string((char)random.Next(32, 0x2FFF), random.Next(1, 300)),
        1 => new string('a', random.Next(100, 5000)),
        _ => Strings[random.Next(Strings.Length)],
    };

    /// <summary>An odd JSON number, as text.</summary>
    public static string Number(Random random) => Numbers[random.Next(Numbers.Length)];

    /// <summary>Any JSON value, nested up to <paramref name="depth"/>.</summary>
    public static JsonNode? Json(Random random, int depth = 3)
    {
        switch (random.Next(depth > 0 ? 8 : 6))
        {
            case 0: return null;
            case 1: return JsonValue.Create(random.Next(2) == 0);
            case 2: return JsonNode.Parse(Number(random));
            case 3:
            case 4: return JsonValue.Create(String(random));
            case 5: return JsonValue.Create(random.Next());
            case 6:
                var array = new JsonArray();
                for (var i = random.Next(4); i > 0; i--)
                {
                    array.Add(Json(random, depth - 1));
                }
                return array;
            default:
                var obj = new JsonObject();
                for (var i = random.Next(4); i > 0; i--)
                {
                    obj["k" + random.Next(100)] = Json(random, depth - 1);
                }
                return obj;
        }
    }

    /// <summary>A cursor-looking value: base64url of newline-separated parts, some of them odd.</summary>
    public static string Cursor(Random random)
    {
        string[] kinds = ["rooms", "sessions", "participants", "x", ""];
        var parts = new List<string> { random.Next(3) == 0 ? String(random) : "1", kinds[random.Next(kinds.Length)] };
        for (var i = random.Next(5); i > 0; i--)
        {
            parts.Add(random.Next(2) == 0 ? Number(random) : String(random));
        }
        var text = string.Join('\n', parts);
        return random.Next(8) == 0 ? text : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }
}
