using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using WherebyGrains.Api.Webhooks;
using WherebyGrains.Simulator;

namespace WherebyGrains.Benchmarks;

/// <summary>
/// Parsing a verified joined event: the parser with its lenient converters against plain
/// source-generated deserialization of the same shape (what the parser did before it was lenient).
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private byte[] _body = [];

    [GlobalSetup]
    public void Setup()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
        _body = Encoding.UTF8.GetBytes(WherebyPayloads.Client("room.client.joined", "/benchmark-room", now, "participant-0001", "session-0001", "visitor", "external-0001", "A Name", numClients: 3));
    }

    [Benchmark(Baseline = true)]
    public object? StrictShape() => JsonSerializer.Deserialize(_body, StrictJsonContext.Default.StrictEnvelope);

    [Benchmark]
    public ParsedWebhook Lenient() => WebhookEventParser.Parse(_body);
}

public sealed class StrictEnvelope
{
    public string? Id { get; set; }
    public string? ApiVersion { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    public string? Type { get; set; }
    public StrictData? Data { get; set; }
}

public sealed class StrictData
{
    public string? MeetingId { get; set; }
    public string? RoomName { get; set; }
    public string? Subdomain { get; set; }
    public string? ParticipantId { get; set; }
    public string? RoomSessionId { get; set; }
    public string? DisplayName { get; set; }
    public string? ExternalId { get; set; }
    public string? Metadata { get; set; }
    public string? RoleName { get; set; }
    public int? NumClients { get; set; }
    public Dictionary<string, int>? NumClientsByRoleName { get; set; }
    public bool? IsDialIn { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, MaxDepth = 32, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(StrictEnvelope))]
internal sealed partial class StrictJsonContext : JsonSerializerContext;
