using WherebyGrains.Simulator;
using System.Text;
using BenchmarkDotNet.Attributes;
using WherebyGrains.Api.Webhooks;
using WherebyGrains.Testing;

namespace WherebyGrains.Benchmarks;

/// <summary>Verifying a Whereby-Signature over a 500-byte body (target: 1 million per second per core, no allocation).</summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
    private byte[] _body = [];
    private string _header = "";
    private byte[][] _oneSecret = [];
    private byte[][] _rotation = [];

    [GlobalSetup]
    public void Setup()
    {
        var json = WherebyPayloads.Client("room.client.joined", "/benchmark-room", Now, "participant-0001", "session-0001", "visitor", "external-0001", "A Name");
        _body = Encoding.UTF8.GetBytes(json.PadRight(500, ' '))[..500];
        _header = WebhookSigner.Sign("whsec-current", _body, Now);
        _oneSecret = [Encoding.UTF8.GetBytes("whsec-current")];
        // During a rotation the old secret is tried too (and first, the worst case).
        _rotation = [Encoding.UTF8.GetBytes("whsec-previous"), Encoding.UTF8.GetBytes("whsec-current")];
    }

    [Benchmark(Baseline = true)]
    public SignatureCheck OneSecret() => WebhookSignature.Verify(_header, _body, _oneSecret, Now, TimeSpan.FromMinutes(5));

    [Benchmark]
    public SignatureCheck TwoSecretsDuringRotation() => WebhookSignature.Verify(_header, _body, _rotation, Now, TimeSpan.FromMinutes(5));
}
