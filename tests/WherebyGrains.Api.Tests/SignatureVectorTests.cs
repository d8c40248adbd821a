using System.Text;
using System.Text.Json;
using WherebyGrains.Api.Webhooks;
using WherebyGrains.Testing;

namespace WherebyGrains.Api.Tests;

/// <summary>Every case of ../shared/spec/signature-vectors.json.</summary>
public sealed class SignatureVectorTests
{
    private static readonly JsonDocument Vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.SharedSpec, "signature-vectors.json")));

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Vectors.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }
        return data;
    }

    [Fact]
    public void The_vector_file_has_the_cases_the_spec_promises()
    {
        Assert.True(Vectors.RootElement.GetProperty("cases").GetArrayLength() >= 30);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Verifier_agrees_with_the_vector(string name)
    {
        var root = Vectors.RootElement;
        var c = root.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        var now = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("now").GetInt64());
        var tolerance = TimeSpan.FromSeconds(root.GetProperty("toleranceSeconds").GetInt32());
        byte[][] secrets = [.. root.GetProperty("secrets").EnumerateArray().Select(s => Encoding.UTF8.GetBytes(s.GetString()!))];
        var header = c.GetProperty("header").ValueKind == JsonValueKind.Null ? "" : c.GetProperty("header").GetString()!;
        var body = Encoding.UTF8.GetBytes(c.GetProperty("body").GetString()!);

        var check = WebhookSignature.Verify(header, body, secrets, now, tolerance);

        Assert.Equal(c.GetProperty("valid").GetBoolean(), check == SignatureCheck.Valid);
    }
}
