using System.Text;
using WherebyGrains.Api.Webhooks;

namespace WherebyGrains.Api.Tests;

/// <summary>
/// api.md 1.1: a <c>createdAt</c> later than the signature's <c>t</c> plus the tolerance, older than
/// <c>t</c> minus <c>MaxEventAge</c>, or without a zone is a 400 with a detail.
/// </summary>
public sealed class CreatedAtBoundsTests
{
    private static readonly DateTimeOffset SignedAt = new(2026, 11, 29, 10, 15, 0, TimeSpan.Zero);
    private static readonly EventTimeBounds Bounds = new(SignedAt, TimeSpan.FromMinutes(5), TimeSpan.FromDays(30));

    private static ParsedWebhook Parse(string createdAt, string type = "room.client.joined") => WebhookEventParser.Parse(
        Encoding.UTF8.GetBytes($$$"""{"id":"e1","type":"{{{type}}}","createdAt":"{{{createdAt}}}","data":{"roomName":"/r","participantId":"p1"}}"""),
        Bounds);

    [Theory]
    [InlineData("2026-11-29T10:20:00.000Z")] // exactly t + tolerance
    [InlineData("2026-10-30T10:15:00.000Z")] // exactly t − 30 days
    [InlineData("2026-11-29T11:15:00.000+01:00")]
    [InlineData("2026-11-29T10:15:00Z")]
    [InlineData("2026-11-29T05:15:00-05:00")]
    public void A_time_within_the_bounds_is_accepted(string createdAt)
    {
        Assert.Null(Parse(createdAt).Error);
    }

    [Theory]
    [InlineData("2026-11-29T10:20:00.001Z", "later than the signature")]
    [InlineData("2027-01-28T10:15:00.000Z", "later than the signature")]
    [InlineData("9999-12-31T23:59:59.999Z", "later than the signature")]
    [InlineData("2026-10-30T10:14:59.999Z", "MaxEventAge")]
    [InlineData("1970-01-01T00:00:00.000Z", "MaxEventAge")]
    [InlineData("0001-01-01T00:00:00.000Z", "MaxEventAge")]
    [InlineData("2026-11-29T10:15:00.000", "no time zone")]
    [InlineData("2026-11-29T10:15:00", "no time zone")]
    [InlineData("2026-11-29", "no time zone")]
    [InlineData("2026-11-29T10:15:00.000+25:00", "not an ISO-8601 time")]
    [InlineData("yesterday", "not an ISO-8601 time")]
    public void A_time_outside_the_bounds_or_without_a_zone_is_rejected_with_a_detail(string createdAt, string detail)
    {
        var parsed = Parse(createdAt);
        Assert.Null(parsed.Event);
        Assert.Contains(detail, parsed.Error);
    }

    [Fact]
    public void The_bounds_hold_for_types_no_room_records()
    {
        Assert.Contains("later than the signature", Parse("2027-01-28T10:15:00.000Z", "some.future.event").Error);
    }

    [Fact]
    public void A_createdAt_that_is_not_a_string_is_named()
    {
        var parsed = WebhookEventParser.Parse(Encoding.UTF8.GetBytes("""{"id":"e1","type":"room.client.joined","createdAt":1795000000,"data":{"roomName":"/r"}}"""), Bounds);
        Assert.Contains("'createdAt'", parsed.Error);
    }

    [Fact]
    public void Huge_bounds_do_not_overflow()
    {
        var huge = new EventTimeBounds(SignedAt, TimeSpan.MaxValue, TimeSpan.MaxValue);
        Assert.Null(huge.Check(DateTimeOffset.MinValue));
        Assert.Null(huge.Check(DateTimeOffset.MaxValue));
    }
}
