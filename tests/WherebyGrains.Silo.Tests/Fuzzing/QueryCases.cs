namespace WherebyGrains.Silo.Tests.Fuzzing;

/// <summary>One generated query request.</summary>
public sealed record QueryCase(string PathAndQuery, string? ApiKey, string? Accept);

/// <summary>Generated mutations of every query parameter of every endpoint, of the Accept header and of the key.</summary>
public static class QueryCases
{
    private static readonly (string Path, string[] Parameters)[] Endpoints =
    [
        ("/v1/insights/rooms", ["limit", "cursor"]),
        ("/v1/insights/room-sessions", ["roomName", "roomSessionId", "limit", "cursor"]),
        ("/v1/insights/participants", ["roomSessionId", "externalId", "limit", "cursor"]),
        ("/v1/attendance", ["externalId", "personId", "roomName", "from", "to"]),
        ("/v1/rooms/presence", ["roomName"]),
    ];

    private static readonly string[] Accepts = ["application/json", "text/csv", "text/csv;q=0.5, application/json", "*/*", "text/*", "garbage/;;;", "text/csv; charset=\"", ""];

    /// <summary>A request to one endpoint with some of its parameters set to odd values.</summary>
    public static QueryCase Next(Random random, string apiKey)
    {
        var (path, parameters) = Endpoints[random.Next(Endpoints.Length)];
        var query = new List<string>();
        foreach (var parameter in parameters)
        {
            if (random.Next(3) == 0)
            {
                continue;
            }
            for (var repeat = random.Next(8) == 0 ? 2 : 1; repeat > 0; repeat--)
            {
                query.Add(parameter + "=" + Value(random, parameter));
            }
        }
        if (random.Next(10) == 0)
        {
            query.Add("unknown=" + Uri.EscapeDataString(FuzzValues.String(random)));
        }
        var key = random.Next(20) switch
        {
            0 => null,
            1 => FuzzValues.String(random),
            _ => apiKey,
        };
        var accept = random.Next(3) == 0 ? Accepts[random.Next(Accepts.Length)] : null;
        return new QueryCase(path + (query.Count == 0 ? "" : "?" + string.Join('&', query)), key, accept);
    }

    private static string Value(Random random, string parameter)
    {
        string value = parameter switch
        {
            "limit" => random.Next(3) == 0 ? FuzzValues.String(random) : FuzzValues.Number(random),
            "cursor" => FuzzValues.Cursor(random),
            "roomName" => random.Next(2) == 0 ? "/fuzz-" + random.Next(50) : FuzzValues.String(random),
            "from" or "to" => random.Next(2) == 0 ? FuzzValues.Number(random) : FuzzValues.String(random),
            _ => random.Next(2) == 0 ? "s" + random.Next(3) : FuzzValues.String(random),
        };
        // Mostly encoded as a client would; sometimes raw (percent signs and all).
        return random.Next(6) == 0 ? value.Replace("&", "", StringComparison.Ordinal).Replace("#", "", StringComparison.Ordinal) : Uri.EscapeDataString(value);
    }
}
