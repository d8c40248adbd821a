using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WherebyGrains.Api.Configuration;

namespace WherebyGrains.Api.Queries;

/// <summary>Registers and maps the query API under <c>/v1</c>: bearer keys per tenant, rate limited per tenant (and failed authentication per address and overall).</summary>
public static class QueryApi
{
    /// <summary>The rate limiting policy of the query API (never applied to webhooks).</summary>
    public const string RateLimitPolicy = "query-per-tenant";

    /// <summary>Adds the query API's services.</summary>
    public static IServiceCollection AddQueryApi(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyFilter>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, QueryJsonContext.Default));
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(RateLimitPolicy, QueryRateLimits.PerTenant);
            // Failed authentication, overall first: while it refuses, no per-address limiter is made.
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(QueryRateLimits.FailedOverall(), QueryRateLimits.FailedPerAddress());
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await TypedResults.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many requests",
                    detail: $"Over the rate limit (the tenant's, or that of failed authentications); retry after {retryAfter} s.").ExecuteAsync(context.HttpContext);
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
