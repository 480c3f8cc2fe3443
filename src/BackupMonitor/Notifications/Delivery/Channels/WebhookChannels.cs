using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackupMonitor.Configuration;
using BackupMonitor.Contracts;
using BackupMonitor.Domain;

namespace BackupMonitor.Notifications.Channels;

/// <summary>JSON bodies of the HTTP kinds: compact, snake_case, as the CLI's `--format json` names things.</summary>
internal static class ChannelJson
{
    public static readonly JsonSerializerOptions Options = new(Json.Options) { WriteIndented = false };

    public static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    public static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString(Options));

    public static JsonNode? Of<T>(T value) => value is null ? null : JsonSerializer.SerializeToNode(value, Options);
}

/// <summary>
/// `webhook`: POST of the notice as JSON (SPEC §6.2), with `X-BackupMonitor-Delivery` (the same on every retry of one
/// delivery) and, when the destination has a secret, `X-BackupMonitor-Signature-256: sha256=&lt;HMAC of the raw body&gt;`.
/// </summary>
public sealed class WebhookChannel(IHttpClientFactory clients, DeliveryOptions options, TimeProvider time) : HttpChannel(clients, options, time)
{
    public override DestinationKind Kind => DestinationKind.Webhook;

    /// <summary>The body as of <paramref name="nowUtc"/> (the channel's clock): each job's `next_expected_utc` is its next cycle from then.</summary>
    /// <remarks>A notice of another source adds what it carries (`status`, `drill_id`, `company`, `period`, `detail`) after them, and a report its figures as `report`.</remarks>
    public static JsonObject Body(OutgoingNotice notice, DateTime nowUtc)
    {
        if (notice.Items is { } items) return DigestBody(notice, items, nowUtc);
        var body = new JsonObject
        {
            ["event"] = notice.Event,
            ["notice_id"] = notice.NoticeId > 0 ? notice.NoticeId : null,
            ["subject"] = notice.Message.Subject,
            ["text"] = notice.Message.Text,
            ["job"] = notice.Job is null ? null : ChannelJson.Of(JobView.Of(notice.Job, nowUtc)),
            ["entry"] = notice.Entry is null ? null : ChannelJson.Of(EntryView.Of(notice.Entry)),
        };
        if (notice.Notice is { } n && (n.DrillId ?? (object?)n.Period ?? n.Detail) is not null)
        {
            body["status"] = n.Status;
            if (n.DrillId is { } drill) body["drill_id"] = drill;
            if (n.CompanyName is { } company) body["company"] = company;
            if (n.Period is { } period) body["period"] = period;
            if (n.Detail is { } detail) body["detail"] = detail;
        }
        // A monthly report (SPEC §12): the company's JSON, as its notice carries it (CompanyMonthView).
        if (notice.Notice is { Kind: NoticeKind.Report, Payload: { } payload }) body["report"] = JsonNode.Parse(payload);
        return body;
    }

    /// <summary>A digest: `items` (each `{job, entry}`) instead of job and entry, and the digest's id.</summary>
    private static JsonObject DigestBody(OutgoingNotice notice, IReadOnlyList<NoticeContent> items, DateTime nowUtc) => new()
    {
        ["event"] = "digest",
        ["digest_id"] = notice.DigestId,
        ["kind"] = items.Count > 0 ? items[0].Notice.Kind.ToString().ToLowerInvariant() : null,
        ["subject"] = notice.Message.Subject,
        ["text"] = notice.Message.Text,
        ["items"] = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject
        {
            ["notice_id"] = i.Notice.Id,
            ["job"] = i.Job is null ? null : ChannelJson.Of(JobView.Of(i.Job, nowUtc)),
            ["entry"] = i.Entry is null ? null : ChannelJson.Of(EntryView.Of(i.Entry)),
        })]),
    };

    public static string Signature(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    protected override HttpRequestMessage Build(Destination destination, OutgoingNotice notice)
    {
        var body = ChannelJson.Bytes(Body(notice, Time.GetUtcNow().UtcDateTime));
        var request = new HttpRequestMessage(HttpMethod.Post, destination.Target) { Content = ChannelJson.Content(body) };
        request.Headers.Add("X-BackupMonitor-Delivery", notice.DeliveryKey);
        if (!string.IsNullOrEmpty(destination.Secret)) request.Headers.Add("X-BackupMonitor-Signature-256", Signature(destination.Secret, body));
        return request;
    }
}

/// <summary>`slack`: an incoming-webhook POST of `{"text": …}`: the subject, then job, status and error (the chat template).</summary>
public sealed class SlackChannel(IHttpClientFactory clients, DeliveryOptions options, TimeProvider time) : HttpChannel(clients, options, time)
{
    public override DestinationKind Kind => DestinationKind.Slack;

    protected override HttpRequestMessage Build(Destination destination, OutgoingNotice notice) =>
        new(HttpMethod.Post, destination.Target) { Content = ChannelJson.Content(ChannelJson.Bytes(new JsonObject { ["text"] = notice.Message.Chat })) };
}

/// <summary>`teams`: a Workflows incoming-webhook POST of an Adaptive Card: the subject as title, then the key fields.</summary>
public sealed class TeamsChannel(IHttpClientFactory clients, DeliveryOptions options, TimeProvider time) : HttpChannel(clients, options, time)
{
    public override DestinationKind Kind => DestinationKind.Teams;

    public static JsonObject Card(OutgoingNotice notice)
    {
        var facts = new JsonArray();
        void Fact(string title, string? value)
        {
            if (!string.IsNullOrEmpty(value)) facts.Add(new JsonObject { ["title"] = title, ["value"] = value });
        }
        Fact("Company", notice.Job?.CompanyName ?? notice.Notice?.CompanyName);
        Fact("City", notice.Job?.City);
        Fact("Agent", notice.Job?.AgentIdResponsible);
        Fact("Database", notice.Job?.DatabaseName);
        Fact("Status", notice.Status);
        Fact("Error", notice.Entry?.ErrorMessage ?? notice.Entry?.AgentTransferErrorMessage ?? notice.Notice?.Detail);
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = notice.Message.Subject, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true },
        };
        if (facts.Count > 0) body.Add(new JsonObject { ["type"] = "FactSet", ["facts"] = facts });
        // A monthly report's figures are its text summary (SPEC §12), not key fields.
        if (facts.Count == 0 || notice.Event == "report") body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = notice.Message.Chat, ["wrap"] = true });
        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray
            {
                new JsonObject
                {
                    ["contentType"] = "application/vnd.microsoft.card.adaptive",
                    ["content"] = new JsonObject
                    {
                        ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                        ["type"] = "AdaptiveCard",
                        ["version"] = "1.4",
                        ["body"] = body,
                    },
                },
            },
        };
    }

    protected override HttpRequestMessage Build(Destination destination, OutgoingNotice notice) =>
        new(HttpMethod.Post, destination.Target) { Content = ChannelJson.Content(ChannelJson.Bytes(Card(notice))) };
}
