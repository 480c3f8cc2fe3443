using BackupMonitor.Domain;
using BackupMonitor.Notifications;

namespace BackupMonitor.Contracts;

/// <summary>One delivery of the outbox (SPEC §8 `notifications list`).</summary>
public sealed record DeliveryView(
    int Id, int NoticeId, string Kind, string Destination, string State, int? ExpectedJobId, int? BackupEntryId, string Subject,
    int Attempts, string? LastError, DateTime CreatedAtUtc, DateTime? NextAttemptAtUtc, DateTime? LastAttemptAtUtc, DateTime? SentAtUtc, int? DigestId)
{
    public static DeliveryView Of(OutboxRow row)
    {
        var (d, n) = (row.Delivery, row.Notice);
        return new(d.Id, n.Id, Wire(n.Kind), d.Destination, Wire(d.State), n.ExpectedJobId, n.BackupEntryId, row.Subject,
            d.Attempts, d.LastError, d.CreatedAtUtc, d.NextAttemptAtUtc, d.LastAttemptAtUtc, d.SentAtUtc, d.DigestId);
    }

    /// <summary>`alert`, `recovery`, `warning`, `report`; `pending`, `sent`, `failed`, `skipped`, `suppressed`: the names stored in the database too.</summary>
    public static string Wire<TEnum>(TEnum value) where TEnum : struct, Enum => value.ToString().ToLowerInvariant();
}
