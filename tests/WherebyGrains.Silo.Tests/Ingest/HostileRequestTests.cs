using WherebyGrains.Simulator;
using System.Net.Http.Headers;
using System.Text;
using Azure.Data.Tables;
using WherebyGrains.Contracts;
using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// A corpus of hostile requests, each with the exact status code it must get, and proof that
/// none of them changed anything: no row in storage, no event in any room.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HostileRequestTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private const string Room = "/hostile";

    /// <summary>One hostile request.</summary>
    public sealed record Hostile(string Name, int Status, string Path, byte[]? Body, string? Signature, string? ContentType, bool Chunked = false)
    {
        public override string ToString() => Name;
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string Sign(byte[] body, string secret = SiloFactory.Secret, DateTimeOffset? at = null) =>
        WebhookSigner.Sign(secret, body, at ?? DateTimeOffset.UtcNow);

    private static readonly string ValidJson = WherebyPayloads.Client(WherebyEventTypes.ClientJoined, Room, DateTimeOffset.UtcNow, participantId: "p1");
    private static readonly byte[] Valid = Utf8(ValidJson);

    private static Hostile Signed(string name, int status, byte[] body, string contentType = "application/json") =>
        new(name, status, "/webhooks/acme", body, Sign(body), contentType);

    private static IEnumerable<Hostile> Corpus()
    {
        var path = "/webhooks/acme";
        var now = DateTimeOffset.UtcNow;

        // 404: unknown tenants and ids that are not tenant ids at all.
        yield return new("unknown tenant", 404, "/webhooks/nobody", Valid, Sign(Valid), "application/json");
        yield return new("upper-case tenant", 404, "/webhooks/ACME", Valid, Sign(Valid), "application/json");
        yield return new("tenant id too long", 404, "/webhooks/" + new string('a', 65), Valid, Sign(Valid), "application/json");
        yield return new("tenant id with dot", 404, "/webhooks/acme.evil", Valid, Sign(Valid), "application/json");
        yield return new("percent-encoded tenant", 404, "/webhooks/acme%2F..", Valid, Sign(Valid), "application/json");

        // 415: anything but JSON.
        yield return new("text/plain", 415, path, Valid, Sign(Valid), "text/plain");
        yield return new("no content type", 415, path, Valid, Sign(Valid), null);
        yield return new("xml", 415, path, Valid, Sign(Valid), "application/xml");
        yield return new("form", 415, path, Valid, Sign(Valid), "application/x-www-form-urlencoded");
        yield return new("multipart", 415, path, Valid, Sign(Valid), "multipart/form-data; boundary=x");
        yield return new("octet-stream", 415, path, Valid, Sign(Valid), "application/octet-stream");
        yield return new("jsonp look-alike", 415, path, Valid, Sign(Valid), "application/jsonp");

        // 413: over 64 KiB, declared or chunked, even when signed.
        var big = Utf8("{\"id\":\"x\",\"pad\":\"" + new string('a', 64 * 1024) + "\"}");
        yield return new("64 KiB + 1, signed", 413, path, big, Sign(big), "application/json");
        yield return new("64 KiB + 1, chunked", 413, path, big, Sign(big), "application/json", Chunked: true);
        var huge = new byte[4 * 1024 * 1024];
        Array.Fill(huge, (byte)' ');
        yield return new("4 MiB of spaces, chunked", 413, path, huge, "t=1,v1=00", "application/json", Chunked: true);
        yield return new("4 MiB, unsigned", 413, path, huge, null, "application/json");

        // 401: every way a signature can be wrong.
        yield return new("no signature", 401, path, Valid, null, "application/json");
        yield return new("empty signature", 401, path, Valid, "", "application/json");
        yield return new("wrong secret", 401, path, Valid, Sign(Valid, "guess"), "application/json");
        yield return new("other tenant's secret", 401, path, Valid, Sign(Valid, SiloFactory.OtherSecret), "application/json");
        yield return new("expired", 401, path, Valid, Sign(Valid, at: now.AddMinutes(-6)), "application/json");
        yield return new("from the future", 401, path, Valid, Sign(Valid, at: now.AddMinutes(6)), "application/json");
        yield return new("body changed after signing", 401, path, Utf8(ValidJson.Replace("p1", "p2")), Sign(Valid), "application/json");
        yield return new("two t elements", 401, path, Valid, Sign(Valid) + ",t=1", "application/json");
        yield return new("garbage header", 401, path, Valid, "\u00ff\u00fe==,,,=", "application/json");
        yield return new("sha256= style", 401, path, Valid, "sha256=" + Sign(Valid).Split("v1=")[1], "application/json");
        yield return new("v1 not hex", 401, path, Valid, $"t={now.ToUnixTimeSeconds()},v1={new string('z', 64)}", "application/json");
        yield return new("only unknown elements", 401, path, Valid, "v0=abc,x=1", "application/json");
        yield return new("empty body, unsigned", 401, path, [], null, "application/json");
        yield return new("signed for another body", 401, path, Utf8("{}"), Sign(Valid), "application/json");

        // 400: correctly signed, but not a Whereby event.
        yield return Signed("empty body", 400, []);
        yield return Signed("json null", 400, Utf8("null"));
        yield return Signed("json array", 400, Utf8("[]"));
        yield return Signed("empty object", 400, Utf8("{}"));
        yield return Signed("truncated json", 400, Valid[..(Valid.Length / 2)]);
        yield return Signed("a json string", 400, Utf8("\"room.client.joined\""));
        yield return Signed("invalid utf-8", 400, [.. Utf8("{\"id\":\""), 0xC3, 0x28, .. Utf8("\",\"type\":\"room.client.joined\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"roomName\":\"/hostile\"}}")]);
        yield return Signed("lone surrogate escape is fine but no id", 400, Utf8("{\"x\":\"\\ud800\"}"));
        yield return Signed("deep json", 400, Utf8("{\"id\":\"d\",\"type\":\"room.client.joined\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"roomName\":\"/hostile\",\"x\":" + new string('[', 3000) + new string(']', 3000) + "}}"));
        yield return Signed("missing id", 400, Utf8("{\"type\":\"room.client.joined\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"roomName\":\"/hostile\"}}"));
        yield return Signed("missing type", 400, Utf8("{\"id\":\"a\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"roomName\":\"/hostile\"}}"));
        yield return Signed("missing createdAt", 400, Utf8("{\"id\":\"a\",\"type\":\"room.client.joined\",\"data\":{\"roomName\":\"/hostile\"}}"));
        yield return Signed("createdAt not a time", 400, Utf8("{\"id\":\"a\",\"type\":\"room.client.joined\",\"createdAt\":\"soon\",\"data\":{\"roomName\":\"/hostile\"}}"));
        yield return Signed("id is a number", 400, Utf8("{\"id\":7,\"type\":\"room.client.joined\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"roomName\":\"/hostile\"}}"));
        yield return Signed("id too long", 400, Utf8("{\"id\":\"" + new string('a', 500) + "\",\"type\":\"room.client.joined\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"roomName\":\"/hostile\"}}"));
        yield return Signed("id with a newline", 400, Utf8("{\"id\":\"a\\nb\",\"type\":\"room.client.joined\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"roomName\":\"/hostile\"}}"));
        yield return Signed("joined without data", 400, Utf8("{\"id\":\"a\",\"type\":\"room.client.joined\",\"createdAt\":\"2026-01-01T00:00:00Z\"}"));
        yield return Signed("data is an array", 400, Utf8("{\"id\":\"a\",\"type\":\"room.client.joined\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"data\":[]}"));
        yield return Signed("roomName without slash", 400, Utf8("{\"id\":\"a\",\"type\":\"room.client.joined\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"roomName\":\"hostile\"}}"));
        yield return Signed("roomName only a slash", 400, Utf8("{\"id\":\"a\",\"type\":\"room.client.joined\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"roomName\":\"/\"}}"));
        yield return Signed("roomName is an object", 400, Utf8("{\"id\":\"a\",\"type\":\"room.client.joined\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"roomName\":{\"n\":\"/hostile\"}}}"));
        yield return Signed("duplicate id property", 400, Utf8("{\"id\":\"a\",\"id\":\"b\",\"type\":\"room.client.joined\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"roomName\":\"/hostile\"}}"));
        yield return Signed("participantId too long", 400, Utf8("{\"id\":\"a\",\"type\":\"room.client.joined\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"roomName\":\"/hostile\",\"participantId\":\"" + new string('p', 300) + "\"}}"));
        yield return Signed("signed json as text/json is still json but empty", 400, Utf8(" "), "text/json");
    }

    public static TheoryData<Hostile> Cases() => [.. Corpus()];

    [Fact]
    public void The_corpus_is_large()
    {
        Assert.True(Corpus().Count() >= 40, $"only {Corpus().Count()} hostile requests");
    }

    [Fact]
    public async Task Each_hostile_request_gets_its_exact_status_and_changes_nothing()
    {
        var http = fixture.Silo.CreateClient();
        var rowsBefore = await CountStateRowsAsync();

        var wrong = new List<string>();
        foreach (var hostile in Corpus())
        {
            using var response = await SendAsync(http, hostile);
            var status = (int)response.StatusCode;
            if (status != hostile.Status)
            {
                wrong.Add($"{hostile.Name}: expected {hostile.Status}, got {status} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
            }
            else if (status != 413 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                wrong.Add($"{hostile.Name}: {status} without a problem+json body");
            }
        }

        Assert.Empty(wrong);
        Assert.Equal(rowsBefore, await CountStateRowsAsync());
        var room = fixture.Silo.Grains.GetGrain<IRoomGrain>(new RoomKey(SiloFactory.Tenant, Room).ToString());
        Assert.Empty(await room.GetRecordedEventsAsync());
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, Hostile hostile)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, hostile.Path);
        if (hostile.Body is not null)
        {
            request.Content = hostile.Chunked
                ? new StreamContent(new MemoryStream(hostile.Body))
                : new ByteArrayContent(hostile.Body);
            if (hostile.Chunked)
            {
                request.Headers.TransferEncodingChunked = true;
            }
            request.Content.Headers.ContentType = hostile.ContentType is null ? null : MediaTypeHeaderValue.Parse(hostile.ContentType);
        }
        if (hostile.Signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Whereby-Signature", hostile.Signature);
        }
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private async Task<int> CountStateRowsAsync()
    {
        var table = new TableServiceClient(fixture.Azurite.ConnectionString).GetTableClient("WherebyGrainsState");
        await table.CreateIfNotExistsAsync();
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(select: ["PartitionKey"]))
        {
            count++;
        }
        return count;
    }
}
