using WherebyGrains.Simulator;
using System.Text;
using WherebyGrains.Api.Webhooks;
using WherebyGrains.Testing;

namespace WherebyGrains.Api.Tests;

public sealed class WebhookSignatureTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"id\":\"x\"}");
    private static readonly byte[][] Secrets = [Encoding.UTF8.GetBytes("s3cret")];

    private static SignatureCheck Verify(string header) => WebhookSignature.Verify(header, Body, Secrets, Now, TimeSpan.FromMinutes(5));

    [Fact]
    public void A_header_signed_with_the_secret_is_valid()
    {
        Assert.Equal(SignatureCheck.Valid, Verify(WebhookSigner.Sign("s3cret", Body, Now)));
    }

    [Theory]
    [InlineData("", SignatureCheck.Missing)]
    [InlineData("   ", SignatureCheck.Missing)]
    [InlineData("t=1795000000", SignatureCheck.Malformed)]
    [InlineData("v1=00", SignatureCheck.Malformed)]
    [InlineData("t=,v1=00", SignatureCheck.Malformed)]
    [InlineData("t=1795000000,t=1795000000,v1=00", SignatureCheck.Malformed)]
    [InlineData("t=1794999000,v1=00", SignatureCheck.OutsideTolerance)]
    [InlineData("t=1795000000,v1=00", SignatureCheck.Mismatch)]
    public void Each_failure_is_named(string header, SignatureCheck expected)
    {
        Assert.Equal(expected, Verify(header));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2_037)]
    [InlineData(2_038)]
    [InlineData(300_000)]
    public void Bodies_of_any_size_verify_and_a_changed_byte_does_not(int size)
    {
        // A 10-digit "t" and "." make 2,048 bytes with a 2,037-byte body: around the size where the signed payload moves from the stack to a pooled buffer.
        var body = new byte[size];
        new Random(size).NextBytes(body);
        var header = WebhookSigner.Sign("s3cret", body, Now);
        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify(header, body, Secrets, Now, TimeSpan.FromMinutes(5)));
        if (size > 0)
        {
            body[^1] ^= 1;
            Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify(header, body, Secrets, Now, TimeSpan.FromMinutes(5)));
        }
    }

    [Fact]
    public void More_v1_elements_than_the_limit_still_verify_the_first_ones()
    {
        var valid = WebhookSigner.Sign("s3cret", Body, Now);
        var header = valid + string.Concat(Enumerable.Repeat(",v1=" + new string('0', 64), 20));
        Assert.Equal(SignatureCheck.Valid, Verify(header));
    }

    [Fact]
    public void Random_headers_never_throw()
    {
        // Seeded, so a failure reproduces; the alphabet is the header's own punctuation plus noise.
        const int seed = 20261129;
        var random = new Random(seed);
        const string alphabet = "tv01=,. \t9af-+xzé\u0000";
        for (var i = 0; i < 20_000; i++)
        {
            var chars = new char[random.Next(0, 120)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }
            var check = Verify(new string(chars));
            Assert.NotEqual(SignatureCheck.Valid, check);
        }
    }
}

/// <summary>An unsigned request must never reach an overflow before the HMAC is checked.</summary>
public sealed class WebhookSignatureOverflowTests
{
    private static readonly byte[] Body = System.Text.Encoding.UTF8.GetBytes("{\"id\":\"x\"}");
    private static readonly byte[][] Secrets = [System.Text.Encoding.UTF8.GetBytes("s3cret")];

    /// <summary>
    /// A now and an 18-digit t for which now·ms − t·1000, in 64-bit arithmetic, is exactly
    /// long.MinValue: t·1000 ≡ now + 2⁶³ (mod 2⁶⁴), solved with 125's inverse modulo 2⁶¹.
    /// </summary>
    private static (DateTimeOffset Now, long T) Overflowing()
    {
        ulong inverse = 125;
        for (var i = 0; i < 6; i++)
        {
            inverse = unchecked(inverse * (2 - 125 * inverse));
        }
        for (var nowMs = 1_795_000_000_000L; ; nowMs += 8)
        {
            var target = unchecked((ulong)nowMs + (1UL << 63));
            var t = unchecked((target >> 3) * inverse) & ((1UL << 61) - 1);
            if (t < 1_000_000_000_000_000_000UL)
            {
                return (DateTimeOffset.FromUnixTimeMilliseconds(nowMs), (long)t);
            }
        }
    }

    [Fact]
    public void An_18_digit_t_reaching_long_MinValue_is_outside_the_tolerance()
    {
        var (now, t) = Overflowing();
        Assert.Equal(long.MinValue, unchecked(now.ToUnixTimeMilliseconds() - t * 1000));

        Assert.Equal(SignatureCheck.OutsideTolerance, WebhookSignature.Verify($"t={t},v1={new string('0', 64)}", Body, Secrets, now, TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData("999999999999999999")]
    [InlineData("000000000000000000")]
    [InlineData("9223372036854775")]
    [InlineData("9223372036854776")]
    public void Extreme_timestamps_are_outside_the_tolerance(string t)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
        Assert.Equal(SignatureCheck.OutsideTolerance, WebhookSignature.Verify($"t={t},v1={new string('0', 64)}", Body, Secrets, now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void A_huge_tolerance_does_not_overflow()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
        // Within a tolerance of millennia, but past year 9999: no instant to name.
        Assert.Equal(SignatureCheck.OutsideTolerance, WebhookSignature.Verify($"t=900000000000,v1={new string('0', 64)}", Body, Secrets, now, TimeSpan.MaxValue));
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify($"t=1795000000,v1={new string('0', 64)}", Body, Secrets, now, TimeSpan.MaxValue));
    }
}
