using System.Net;
using BackupMonitor.Configuration;
using BackupMonitor.Domain;

namespace BackupMonitor.Notifications.Channels;

/// <summary>
/// The shared work of the HTTP kinds: one POST per message through IHttpClientFactory, WEBHOOK_TIMEOUT_SECONDS,
/// and what an answer means (SPEC §6.2): 2xx delivered; 408, 429, 5xx retried (an attempt counted); any other 4xx
/// failed at once; no answer (timeout, connection refused, DNS) is the destination being unreachable. No retries
/// here: the outbox's are durable.
/// </summary>
public abstract class HttpChannel(IHttpClientFactory clients, DeliveryOptions options, TimeProvider time) : IChannel
{
    public const string ClientName = "BackupMonitor.Channels";

    public abstract DestinationKind Kind { get; }

    protected TimeProvider Time { get; } = time;

    /// <summary>The request for one message (the URL it goes to, its body and headers).</summary>
    protected abstract HttpRequestMessage Build(Destination destination, OutgoingNotice notice);

    public Task<IChannelSession> OpenAsync(Destination destination, CancellationToken cancellationToken) =>
        Task.FromResult<IChannelSession>(new Session(this, destination));

    private async Task SendAsync(Destination destination, OutgoingNotice notice, CancellationToken cancellationToken)
    {
        using var request = Build(destination, notice);
        var where = Redaction.Url(request.RequestUri!.ToString());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.WebhookTimeoutSeconds));
        var client = clients.CreateClient(ClientName);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DeliveryException(DeliveryFailure.ConnectionDown, $"timeout: no answer from {where} within {options.WebhookTimeoutSeconds} s");
        }
        catch (HttpRequestException e)
        {
            throw new DeliveryException(DeliveryFailure.ConnectionDown, Redaction.Scrub($"connect: cannot reach {where} ({e.Message})", destination), e);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode) return;
            var code = (int)response.StatusCode;
            var body = await ReadSomeAsync(response, timeout.Token);
            var text = Redaction.Scrub($"http {code} {response.ReasonPhrase} from {where}{(body.Length > 0 ? ": " + body : "")}", destination);
            var retry = response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || code >= 500;
            throw new DeliveryException(retry ? DeliveryFailure.Retry : DeliveryFailure.Permanent, text);
        }
    }

    /// <summary>The start of an error answer, on one line: what the receiver said is often the whole explanation.</summary>
    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            body = string.Join(' ', body.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
            return body.Length > 200 ? body[..200] + "…" : body;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return "";
        }
    }

    private sealed class Session(HttpChannel channel, Destination destination) : IChannelSession
    {
        public Task SendAsync(OutgoingNotice notice, CancellationToken cancellationToken) => channel.SendAsync(destination, notice, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
