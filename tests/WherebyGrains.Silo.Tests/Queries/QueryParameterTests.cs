using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// Every query parameter is the client's text: forged cursors, huge numbers and times that do not
/// exist are 400 problems with a <c>detail</c>, never a 500.
/// </summary>
public sealed class QueryParameterTests(MemorySiloFixture fixture) : IClassFixture<MemorySiloFixture>
{
    private static string Forged(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    public static TheoryData<string> BadRequests() =>
    [
        // The forged cursors of issue 18: a well-formed cursor whose time is not a number.
        "/v1/insights/room-sessions?roomName=%2Fdemo&cursor=MQpzZXNzaW9ucwphYmMKeA",
        "/v1/insights/participants?roomSessionId=s1&cursor=MQpwYXJ0aWNpcGFudHMKYWJjCnAKL3I",
        "/v1/insights/participants?externalId=u1&cursor=MQpwYXJ0aWNpcGFudHMKYWJjCnAKL3I",
        "/v1/insights/room-sessions?roomName=%2Fdemo&cursor=" + Forged("1\nsessions\n99999999999999999999\nx"),
        "/v1/insights/room-sessions?roomName=%2Fdemo&cursor=" + Forged("1\nsessions\n9223372036854775807\nx"),
        "/v1/insights/participants?roomSessionId=s1&cursor=" + Forged("1\nparticipants\n-99999999999999999\np\n/r"),
        "/v1/insights/participants?roomSessionId=s1&cursor=" + Forged("1\nparticipants\n\np\n/r"),
        "/v1/insights/rooms?cursor=" + Forged("1\nsessions\n1\nx"),
        "/v1/insights/rooms?cursor=%%%",
        "/v1/insights/rooms?limit=99999999999999999999",
        "/v1/insights/rooms?limit=-1",
        "/v1/insights/rooms?limit=0",
        "/v1/insights/rooms?limit=1e2",
        "/v1/attendance?externalId=u1&from=99999999999999999999",
        "/v1/attendance?externalId=u1&to=9999-12-31T23:59:59.999-14:00",
        "/v1/attendance?externalId=u1&from=0001-01-01T00:00:00%2B14:00",
        "/v1/attendance?externalId=u1&from=yesterday",
        "/v1/attendance?externalId=u1&roomName=nope",
        "/v1/attendance",
        "/v1/rooms/presence",
        "/v1/rooms/presence?roomName=%2F",
        "/v1/insights/participants",
        "/v1/insights/participants?roomSessionId=s&externalId=e",
    ];

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_parameter_is_a_400_problem_with_a_detail(string path)
    {
        using var response = await fixture.Silo.Reader().GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True(400 == (int)response.StatusCode, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task A_cursor_the_list_gave_out_still_pages()
    {
        var cursor = Forged("1\nsessions\n1795000000000\nabc");
        using var response = await fixture.Silo.Reader().GetAsync("/v1/insights/room-sessions?roomName=%2Fdemo&cursor=" + cursor, TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
    }
}
