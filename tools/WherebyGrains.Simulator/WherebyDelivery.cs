using System.Net.Http.Headers;
using System.Text;

namespace WherebyGrains.Simulator;

/// <summary>
/// Delivers one webhook the way Whereby does: signed, a 5 s timeout (the client's), and after a 5xx
/// or no answer at most two retries within about 3 seconds. With several targets (silos behind a
/// load balancer), a retry goes to the next target after the one that just failed.
/// </summary>
public static class WherebyDelivery
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.5)];

    /// <summary>Sends <paramref name="body"/>; returns the final status (-1: no answer) and the retries made.</summary>
    public static async Task<(int Status, int Retries)> SendAsync(
        HttpClient http, IReadOnlyList<Uri> targets, int first, string tenantId, string secret, byte[] body, CancellationToken cancellationToken = default)
    {
        var status = -1;
        for (var attempt = 0; attempt <= Backoff.Length; attempt++)
        {
            var target = targets[(first + attempt) % targets.Count];
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target, $"/webhooks/{tenantId}")) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation("Whereby-Signature", WebhookSigner.Sign(secret, body, DateTimeOffset.UtcNow));
                using var response = await http.SendAsync(request, cancellationToken);
                status = (int)response.StatusCode;
                if (status < 500)
                {
                    return (status, attempt);
                }
            }
            catch (Exception e) when ((e is HttpRequestException or TaskCanceledException) && !cancellationToken.IsCancellationRequested)
            {
                status = -1;
            }
            if (attempt < Backoff.Length)
            {
                await Task.Delay(Backoff[attempt], cancellationToken);
            }
        }
        return (status, Backoff.Length);
    }

    /// <summary>The same, for a UTF-8 string body.</summary>
    public static Task<(int Status, int Retries)> SendAsync(HttpClient http, IReadOnlyList<Uri> targets, int first, string tenantId, string secret, string body, CancellationToken cancellationToken = default) =>
        SendAsync(http, targets, first, tenantId, secret, Encoding.UTF8.GetBytes(body), cancellationToken);
}
