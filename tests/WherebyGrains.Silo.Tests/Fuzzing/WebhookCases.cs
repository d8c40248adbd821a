using System.Text;
using System.Text.Json.Nodes;
using WherebyGrains.Contracts;
using WherebyGrains.Simulator;

namespace WherebyGrains.Silo.Tests.Fuzzing;

/// <summary>One generated webhook: the bytes, the header, and what the case meant (for the invariants).</summary>
public sealed record WebhookCase(string Description, byte[] Body, string? Signature, string ContentType, string Room, string Id);

/// <summary>Generated mutations of valid signed events and of their signature headers.</summary>
public static class WebhookCases
{
    private static readonly string[] Types =
    [
        WherebyEventTypes.ClientJoined, WherebyEventTypes.ClientLeft, WherebyEventTypes.ClientKnocked, WherebyEventTypes.ClientKnockCancelled,
        WherebyEventTypes.SessionStarted, WherebyEventTypes.SessionEnded, "transcription.finished", "recording.finished", "assistant.requested", "some.future.event",
    ];

    private static readonly string[] DataFields =
        ["meetingId", "roomName", "subdomain", "participantId", "roomSessionId", "displayName", "externalId", "metadata", "roleName", "numClients", "numClientsByRoleName", "isDialIn"];

    private static readonly string[] EnvelopeFields = ["id", "apiVersion", "createdAt", "type", "data"];

    /// <summary>Case <paramref name="n"/>: a valid event, mutated in one to three ways, signed (or a mutated header).</summary>
    public static WebhookCase Next(Random random, int n, string secret, DateTimeOffset now)
    {
        var room = $"/fuzz-{n}";
        var id = $"fuzz{n:D8}{random.Next():x8}";
        var type = Types[random.Next(Types.Length)];
        var at = now.AddSeconds(-random.Next(0, 3600));
        var envelope = new JsonObject
        {
            ["id"] = id,
            ["apiVersion"] = "1.0",
            ["createdAt"] = at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            ["type"] = type,
            ["data"] = new JsonObject
            {
                ["meetingId"] = "1",
                ["roomName"] = room,
                ["subdomain"] = "acme",
                ["participantId"] = "p" + random.Next(5),
                ["roomSessionId"] = random.Next(3) == 0 ? null : "s" + random.Next(3),
                ["displayName"] = "Name",
                ["externalId"] = "u" + random.Next(5),
                ["metadata"] = null,
                ["roleName"] = random.Next(4) == 0 ? "recorder" : "visitor",
                ["numClients"] = random.Next(0, 5),
                ["numClientsByRoleName"] = new JsonObject { ["visitor"] = random.Next(0, 5) },
                ["isDialIn"] = false,
            },
        };

        var description = new List<string> { type };
        for (var m = random.Next(1, 4); m > 0; m--)
        {
            description.Add(MutateTree(random, envelope));
        }
        var text = envelope.ToJsonString();
        if (random.Next(4) == 0)
        {
            (text, var what) = MutateText(random, text);
            description.Add(what);
        }
        var body = Encoding.UTF8.GetBytes(text);
        if (random.Next(6) == 0)
        {
            description.Add(MutateBytes(random, ref body));
        }

        string? signature = WebhookSigner.Sign(secret, body, now);
        var contentType = "application/json";
        if (random.Next(6) == 0)
        {
            (signature, var what) = MutateSignature(random, signature!, body, secret, now);
            description.Add(what);
        }
        if (random.Next(30) == 0)
        {
            contentType = random.Next(2) == 0 ? "application/json; charset=utf-16" : "application/problem+json";
            description.Add("content type " + contentType);
        }
        return new WebhookCase(string.Join(" | ", description), body, signature, contentType, room, id);
    }

    private static string MutateTree(Random random, JsonObject envelope)
    {
        var data = envelope["data"] as JsonObject;
        switch (random.Next(10))
        {
            case 0:
            case 1:
            case 2:
                if (data is null)
                {
                    goto default;
                }
                var field = DataFields[random.Next(DataFields.Length)];
                data[field] = FuzzValues.Json(random);
                return $"data.{field} = {Describe(data[field])}";
            case 3:
                if (data is null)
                {
                    goto default;
                }
                var removed = DataFields[random.Next(DataFields.Length)];
                data.Remove(removed);
                return $"no data.{removed}";
            case 4:
                var top = EnvelopeFields[random.Next(EnvelopeFields.Length)];
                envelope[top] = FuzzValues.Json(random);
                return $"{top} = {Describe(envelope[top])}";
            case 5:
                var gone = EnvelopeFields[random.Next(EnvelopeFields.Length)];
                envelope.Remove(gone);
                return $"no {gone}";
            case 6:
                var nest = (JsonNode?)JsonValue.Create(1);
                var levels = random.Next(5, 40);
                for (var i = 0; i < levels; i++)
                {
                    nest = random.Next(2) == 0 ? new JsonArray(nest) : new JsonObject { ["n"] = nest };
                }
                (data ?? envelope)["deep"] = nest;
                return $"nested {levels} deep";
            case 7:
                string[] times = ["2026-11-29T10:15:00", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-11-29", DateTimeOffset.UtcNow.AddDays(60).ToString("O"), DateTimeOffset.UtcNow.AddMinutes(10).ToString("O"), DateTimeOffset.UtcNow.AddDays(-40).ToString("O"), "2026-11-29T10:15:00.000+01:00"];
                envelope["createdAt"] = times[random.Next(times.Length)];
                return $"createdAt = {envelope["createdAt"]}";
            case 8:
                envelope["extra" + random.Next(10)] = FuzzValues.Json(random);
                return "an unknown field";
            default:
                envelope["type"] = Types[random.Next(Types.Length)];
                return $"type = {envelope["type"]}";
        }
    }

    private static (string Text, string What) MutateText(Random random, string text)
    {
        switch (random.Next(4))
        {
            case 0:
                // A duplicate key, of the envelope or of data.
                string[] keys = ["\"id\":\"dup\",", "\"type\":\"room.client.left\",", "\"createdAt\":\"2026-11-29T10:15:00Z\",", "\"extra\":1,\"extra\":2,"];
                var key = keys[random.Next(keys.Length)];
                var dataAt = text.IndexOf("\"data\":{", StringComparison.Ordinal);
                return random.Next(2) == 0 || dataAt < 0 ? (text.Insert(1, key), "duplicate key " + key) : (text.Insert(dataAt + 8, key), "duplicate key in data " + key);
            case 1:
                return (text[..random.Next(text.Length)], "truncated");
            case 2:
                return (" \t\r\n" + text + "\n ", "whitespace around");
            default:
                return (text.Replace("\"", "'", StringComparison.Ordinal), "single quotes");
        }
    }

    private static string MutateBytes(Random random, ref byte[] body)
    {
        var damaged = body.ToList();
        var count = random.Next(1, 4);
        for (var i = 0; i < count && damaged.Count > 0; i++)
        {
            var at = random.Next(damaged.Count);
            switch (random.Next(3))
            {
                case 0: damaged[at] = (byte)random.Next(256); break;
                case 1: damaged.RemoveAt(at); break;
                default: damaged.Insert(at, (byte)random.Next(256)); break;
            }
        }
        body = [.. damaged];
        return $"{count} bytes damaged";
    }

    private static (string? Header, string What) MutateSignature(Random random, string signature, byte[] body, string secret, DateTimeOffset now)
    {
        var v1 = signature[(signature.IndexOf("v1=", StringComparison.Ordinal) + 3)..];
        switch (random.Next(10))
        {
            case 0: return (null, "no signature");
            case 1: return ("t=" + new string('9', random.Next(10, 25)) + ",v1=" + v1, "huge t");
            case 2: return ("t=" + random.NextInt64() + ",v1=" + v1, "random t");
            case 3: return ("t=-" + now.ToUnixTimeSeconds() + ",v1=" + v1, "negative t");
            case 4: return (signature + ",t=" + now.ToUnixTimeSeconds(), "two t");
            case 5: return (signature.ToUpperInvariant(), "upper case");
            case 6: return (string.Join(",", Enumerable.Repeat("v1=" + v1, random.Next(2, 50))) + ",t=" + now.ToUnixTimeSeconds(), "many v1");
            case 7: return (FuzzValues.String(random), "garbage header");
            case 8: return (WebhookSigner.Sign(secret, body, now.AddSeconds(random.Next(-400, 400))), "skewed t");
            default: return (signature.Replace("v1=", "v1= ", StringComparison.Ordinal) + " ,v0=abc, x", "spaces and unknown elements");
        }
    }

    private static string Describe(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 40 ? text : text[..40] + "…";
    }
}
