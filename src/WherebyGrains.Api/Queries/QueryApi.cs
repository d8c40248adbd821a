using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WherebyGrains.Api.Configuration;

namespace WherebyGrains.Api.Queries;

/// <summary>Registers and maps the query API under <c>/v1</c>: bearer keys per tenant, rate limited per key.</summary>
public static class QueryApi
{
    /// <summary>The rate limiting policy of the query API (never applied to webhooks).</summary>
    public const string RateLimitPolicy = "query-per-key";

    /// <summary>Adds the query API's services.</summary>
    public static IServiceCollection AddQueryApi(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyFilter>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, QueryJsonContext.Default));
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(RateLimitPolicy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptionsMonitor<WherebyGrainsOptions>>().CurrentValue.Query;
                // Partitioned by the key as presented (hashed): guessing keys is limited too.
                var key = ApiKeyFilter.BearerKey(context.Request) is { } bearer
                    ? Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(bearer)))
                    : "anonymous";
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, options.Burst),
                    TokensPerPeriod = Math.Max(1, options.PermitsPerSecond),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await TypedResults.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many requests",
                    detail: $"This API key is over its rate limit; retry after {retryAfter} s.").ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    /// <summary>Maps every <c>/v1</c> endpoint.</summary>
    public static RouteGroupBuilder MapQueryApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1")
            .AddEndpointFilter<ApiKeyFilter>()
            .RequireRateLimiting(RateLimitPolicy)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return v1.MapInsights().MapAttendance().MapPresence();
    }
}
