using System.Text;
using WherebyGrains.Api.Reports;

namespace WherebyGrains.Api.Tests;

/// <summary>Standard Webhooks signatures of the reports, against the specification's published test vector.</summary>
public sealed class ReportSignatureTests
{
    // The Standard Webhooks specification's test vector.
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private const string Expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"test": 2432232314}""");
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(Timestamp);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public void Signs_as_the_specifications_test_vector_says_with_or_without_the_secrets_prefix()
    {
        foreach (var secret in new[] { Secret, Secret["whsec_".Length..] })
        {
            Assert.True(ReportSignature.TryParse(secret, out var signature));
            Assert.Equal(Expected, signature.Sign(Id, Timestamp, Body));
        }
    }

    [Fact]
    public void Verifies_the_vector_and_refuses_any_change_to_body_id_time_or_signature()
    {
        Assert.True(ReportSignature.TryParse(Secret, out var signature));
        Assert.True(signature.Verify(Id, "1614265330", Expected, Body, SignedAt.AddSeconds(10), Tolerance));

        Assert.False(signature.Verify(Id, "1614265330", Expected, Encoding.UTF8.GetBytes("""{"test": 2432232315}"""), SignedAt, Tolerance));
        Assert.False(signature.Verify("msg_other", "1614265330", Expected, Body, SignedAt, Tolerance));
        Assert.False(signature.Verify(Id, "1614265331", Expected, Body, SignedAt, Tolerance));
        Assert.False(signature.Verify(Id, "1614265330", "v1,g1hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", Body, SignedAt, Tolerance));
        Assert.False(signature.Verify(Id, "1614265330", "v2," + Expected[3..], Body, SignedAt, Tolerance));
        // Outside the tolerance, either way.
        Assert.False(signature.Verify(Id, "1614265330", Expected, Body, SignedAt + Tolerance + TimeSpan.FromSeconds(1), Tolerance));
        Assert.False(signature.Verify(Id, "1614265330", Expected, Body, SignedAt - Tolerance - TimeSpan.FromSeconds(1), Tolerance));
    }

    [Fact]
    public void During_a_rotation_any_one_of_several_signatures_suffices()
    {
        Assert.True(ReportSignature.TryParse(Secret, out var signature));
        Assert.True(ReportSignature.TryParse(ReportSignature.NewSecret(), out var other));
        var both = other.Sign(Id, Timestamp, Body) + " " + Expected;

        Assert.True(signature.Verify(Id, "1614265330", both, Body, SignedAt, Tolerance));
        Assert.False(signature.Verify(Id, "1614265330", other.Sign(Id, Timestamp, Body), Body, SignedAt, Tolerance));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("whsec_")]
    [InlineData("whsec_not base64!")]
    [InlineData("whsec_c2hvcnQ=")] // "short": 5 bytes
    public void A_secret_that_is_not_24_to_64_bytes_of_base64_is_refused(string? secret) =>
        Assert.False(ReportSignature.TryParse(secret, out _));

    [Theory]
    [InlineData(null, "1614265330", Expected)]
    [InlineData(Id, null, Expected)]
    [InlineData(Id, "99999999999999999999", Expected)]
    [InlineData(Id, "-1614265330", Expected)]
    [InlineData(Id, "1614265330", null)]
    [InlineData(Id, "1614265330", "v1,%%%")]
    [InlineData(Id, "1614265330", "v1,")]
    public void Malformed_headers_are_refused_without_an_exception(string? id, string? timestamp, string? signatures)
    {
        Assert.True(ReportSignature.TryParse(Secret, out var signature));
        Assert.False(signature.Verify(id, timestamp, signatures, Body, SignedAt, Tolerance));
    }
}
