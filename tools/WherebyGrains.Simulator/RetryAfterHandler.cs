using System.Net;

namespace WherebyGrains.Simulator;

/// <summary>
/// Honours the query API's rate limit: a 429 answer is retried after its <c>Retry-After</c> (1 s
/// when it gives none), up to <see cref="MaxAttempts"/> times, so that verifying many meetings
/// with a tenant's default limit (20 reads a second) is slower, not a failure.
/// </summary>
/// <param name="clock">Times the waits.</param>
/// <param name="inner">What sends the requests; a new <see cref="SocketsHttpHandler"/> when null.</param>
public sealed class RetryAfterHandler(TimeProvider clock, HttpMessageHandler? inner = null) : DelegatingHandler(inner ?? new SocketsHttpHandler())
{
    /// <summary>Tries per request before the 429 is returned as it is.</summary>
    public const int MaxAttempts = 60;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            // GETs only (what the verifier sends): their requests carry no content to send twice.
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == MaxAttempts || request.Method != HttpMethod.Get)
            {
                return response;
            }
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait, clock, cancellationToken);
        }
    }
}
