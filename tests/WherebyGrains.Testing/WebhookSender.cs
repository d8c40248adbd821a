using WherebyGrains.Simulator;
using System.Net.Http.Headers;
using System.Text;

namespace WherebyGrains.Testing;

/// <summary>Posts signed webhooks to <c>/webhooks/{tenantId}</c> the way Whereby does.</summary>
public sealed class WebhookSender(HttpClient http, string tenantId, string secret)
{
    /// <summary>Signs <paramref name="body"/> now and posts it.</summary>
    public Task<HttpResponseMessage> PostAsync(string body, DateTimeOffset? signedAt = null) =>
        PostAsync(Encoding.UTF8.GetBytes(body), WebhookSigner.Sign(secret, Encoding.UTF8.GetBytes(body), signedAt ?? DateTimeOffset.UtcNow));

    /// <summary>Posts raw bytes with the given signature header (null: no header).</summary>
    public async Task<HttpResponseMessage> PostAsync(byte[] body, string? signature, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/{tenantId}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Whereby-Signature", signature);
        }
        return await http.SendAsync(request);
    }

    /// <summary>The <c>status</c> of a webhook answer (<c>accepted</c> or <c>duplicate</c>).</summary>
    public static string StatusOf(string body) => System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("status").GetString()!;

    /// <summary>Posts and returns the status code and the body text.</summary>
    public async Task<(int Status, string Body)> SendAsync(string body)
    {
        using var response = await PostAsync(body);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
