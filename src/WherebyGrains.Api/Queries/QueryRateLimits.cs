using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WherebyGrains.Api.Configuration;

namespace WherebyGrains.Api.Queries;

/// <summary>
/// The query API's limits. A request with a valid key spends its tenant's budget (all of the
/// tenant's keys share it). A request without one is a failed authentication: it spends the budget
/// of its client address and, first, an overall one, so that a guesser with many addresses is held
/// too, and so that no limiter is made per guessed key: the partitions are addresses, created at
/// most at the overall rate and dropped when idle. Webhooks are never limited.
/// </summary>
internal static class QueryRateLimits
{
    private static readonly RateLimitPartition<string> Unlimited = RateLimitPartition.GetNoLimiter("unlimited");

    /// <summary>The per-tenant partition of a request with a valid key (no limit for the others: the global limiter has them).</summary>
    public static RateLimitPartition<string> PerTenant(HttpContext context)
    {
        if (ApiKeyResolution.TenantOf(context) is not { } tenant)
        {
            return Unlimited;
        }
        var options = Options(context);
        return RateLimitPartition.GetTokenBucketLimiter("tenant:" + tenant, _ => Bucket(options.PermitsPerSecond, options.Burst));
    }

    /// <summary>Failed authentications from everywhere (checked first: while it refuses, no address partition is made).</summary>
    public static PartitionedRateLimiter<HttpContext> FailedOverall() => PartitionedRateLimiter.Create<HttpContext, string>(context =>
    {
        if (!IsFailedAuthentication(context))
        {
            return Unlimited;
        }
        var options = Options(context);
        return RateLimitPartition.GetTokenBucketLimiter("failed", _ => Bucket(options.FailedAuthPermitsPerSecond, options.FailedAuthBurst));
    });

    /// <summary>Failed authentications per client address (an IPv6 client by its /64, which one host can fill).</summary>
    public static PartitionedRateLimiter<HttpContext> FailedPerAddress() => PartitionedRateLimiter.Create<HttpContext, string>(context =>
    {
        if (!IsFailedAuthentication(context))
        {
            return Unlimited;
        }
        var options = Options(context);
        return RateLimitPartition.GetTokenBucketLimiter("address:" + AddressKey(context.Connection.RemoteIpAddress),
            _ => Bucket(options.FailedAuthPerAddressPermitsPerSecond, options.FailedAuthPerAddressBurst));
    });

    private static bool IsFailedAuthentication(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/v1") && ApiKeyResolution.TenantOf(context) is null;

    private static QueryOptions Options(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptionsMonitor<WherebyGrainsOptions>>().CurrentValue.Query;

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        TokenLimit = Math.Max(1, burst),
        TokensPerPeriod = Math.Max(1, perSecond),
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static string AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
