using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Notifications.Channels;

namespace BackupMonitor.Contracts;

/// <summary>A destination as lists show it: the target of an HTTP kind as scheme, host and `…`, the secret never.</summary>
public sealed record DestinationView(string Name, string Kind, string Target, string Secret, bool Implicit, DateTime? CreatedAtUtc)
{
    public static DestinationView Of(Destination d) => new(d.Name, DeliveryView.Wire(d.Kind), Redaction.Target(d),
        Redaction.Secret(d.Secret), d.Name == Destination.Admins, d.Name == Destination.Admins ? null : d.CreatedAtUtc);
}

public sealed record RouteView(int Id, string Destination, string? Company, string? City, string? Agent, string? Database, IReadOnlyList<string> Statuses, DateTime CreatedAtUtc)
{
    public static RouteView Of(AlertRoute r) => new(r.Id, r.Destination, r.Company, r.City, r.Agent, r.Database,
        NoticeRouting.ParseStatuses(r.Statuses), r.CreatedAtUtc);
}
