using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace WherebyGrains.Api.Webhooks;

/// <summary>
/// A webhook request body read into a pooled buffer, with the size limit enforced while reading
/// (a chunked body has no Content-Length to check up front). Dispose it to return the buffer.
/// </summary>
public sealed class WebhookBody : IDisposable
{
    /// <summary>The largest accepted body: 64 KiB.</summary>
    public const int MaxBytes = 64 * 1024;

    private byte[]? _buffer;

    private WebhookBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    /// <summary>The number of body bytes.</summary>
    public int Length { get; }

    /// <summary>The exact body bytes.</summary>
    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>The exact body bytes, as memory.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>
    /// Reads the whole body, or returns null as soon as it proves longer than
    /// <paramref name="maxBytes"/> (without buffering the rest).
    /// </summary>
    public static async Task<WebhookBody?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        var initial = request.ContentLength is { } declared ? (int)declared + 1 : 4096;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(initial, maxBytes + 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    var body = new WebhookBody(buffer, length);
                    buffer = null;
                    return body;
                }
                length += read;
                if (length > maxBytes)
                {
                    return null;
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
