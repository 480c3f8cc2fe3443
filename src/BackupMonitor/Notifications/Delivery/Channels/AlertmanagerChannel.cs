using System.Globalization;
using System.Text.Json.Nodes;
using BackupMonitor.Configuration;
using BackupMonitor.Domain;

namespace BackupMonitor.Notifications.Channels;

/// <summary>
/// `alertmanager`: POST `/api/v2/alerts` of one alert per notice, labelled `alertname="BackupFailed"`, `status`,
/// `company`, `city`, `agent`, `database`. A recovery resolves the alert of the status it recovered from (same
/// labels, `endsAt` = now).
/// </summary>
public sealed class AlertmanagerChannel(IHttpClientFactory clients, DeliveryOptions options, TimeProvider time) : HttpChannel(clients, options, time)
{
    public override DestinationKind Kind => DestinationKind.Alertmanager;

    public static JsonArray Alerts(OutgoingNotice notice, DateTime now)
    {
        // A digest is still one alert per notice here: Alertmanager groups them itself.
        if (notice.Items is { } items)
            return new JsonArray([.. items.SelectMany(i => Alerts(OutgoingNotice.Of(0, i, notice.Message), now)).Select(a => a!.DeepClone())]);
        var job = notice.Job;
        var status = notice.Event switch
        {
            "recovery" => notice.PreviousStatus ?? "failed",
            "test" => "test",
            _ => notice.Status ?? "failed",
        };
        var alert = new JsonObject
        {
            ["labels"] = new JsonObject
            {
                ["alertname"] = notice.Event == "test" ? "BackupMonitorTest" : "BackupFailed",
                ["status"] = status,
                ["company"] = job?.CompanyName ?? notice.Notice?.CompanyName ?? "",
                ["city"] = job?.City ?? "",
                ["agent"] = job?.AgentIdResponsible ?? "",
                ["database"] = job?.DatabaseName ?? "",
            },
            ["annotations"] = new JsonObject { ["summary"] = notice.Message.Subject, ["description"] = notice.Message.Chat },
            ["startsAt"] = Iso(notice.CreatedAtUtc),
        };
        if (notice.Event is "recovery" or "test") alert["endsAt"] = Iso(now);
        return [alert];
    }

    protected override HttpRequestMessage Build(Destination destination, OutgoingNotice notice) =>
        new(HttpMethod.Post, destination.Target.TrimEnd('/') + "/api/v2/alerts")
        {
            Content = ChannelJson.Content(ChannelJson.Bytes(Alerts(notice, Time.UtcNow()))),
        };

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
