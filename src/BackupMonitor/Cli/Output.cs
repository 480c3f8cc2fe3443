using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using BackupMonitor.Domain;

namespace BackupMonitor.Cli;

/// <summary>The JSON shapes of SPEC §8 (snake_case, lowercase statuses, UTC `Z` timestamps), shared with the API.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void Write<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, Options));
}

public sealed record JobView(
    int Id, string CompanyName, string City, string Neighborhood, string DatabaseName, string AgentIdResponsible,
    int? ExpectedHourUtc, int? ExpectedMinuteUtc, string? Schedule, string TimeZone, int? GraceMinutes, bool IsActive, string CurrentStatus,
    DateTime? AcknowledgedAtUtc, DateTime? LastCheckedAtUtc, DateTime? LastSuccessfulBackupUtc, DateTime? LastFailedBackupUtc, DateTime CreatedAtUtc,
    DateTime? NextExpectedUtc)
{
    /// <summary>The job as of the system clock; callers with a <see cref="TimeProvider"/> use the overload that takes the time.</summary>
    public static JobView Of(ExpectedBackupJob j) => Of(j, TimeProvider.System.GetUtcNow().UtcDateTime);

    /// <summary>The job as of <paramref name="nowUtc"/>: `next_expected_utc` is its next cycle (null while deactivated).</summary>
    public static JobView Of(ExpectedBackupJob j, DateTime nowUtc) => new(j.Id, j.CompanyName, j.City, j.Neighborhood, j.DatabaseName, j.AgentIdResponsible,
        j.ExpectedHourUtc, j.ExpectedMinuteUtc, j.ScheduleExpression, j.TimeZone, j.GraceMinutes, j.IsActive, j.CurrentStatus.ToWire(),
        j.AcknowledgedAtUtc, j.LastCheckedAtUtc, j.LastSuccessfulBackupUtc, j.LastFailedBackupUtc, j.CreatedAtUtc,
        j.IsActive ? Domain.Schedule.TryOf(j)?.AtOrAfter(nowUtc) : null);

    /// <summary>The schedule as a table cell: `02:00Z` for a daily job, else the cron expression and its zone.</summary>
    public static string ScheduleCell(ExpectedBackupJob j) => j.ScheduleExpression is { } cron
        ? $"{cron} ({j.TimeZone})"
        : $"{j.ExpectedHourUtc:00}:{j.ExpectedMinuteUtc:00}Z";
}

public sealed record EntryView(
    int Id, int ExpectedJobId, string Status, DateTime? AgentReportTimestampUtc, string? AgentReportedHashSha256,
    long? AgentReportedSizeBytes, long? AgentCompressSizePreCompress, long? AgentCompressSizePostCompress,
    string? AgentTransferProcessStatus, DateTime? AgentTransferProcessStartTime, DateTime? AgentTransferProcessTimestamp,
    string? AgentTransferErrorMessage, string? AgentStagedFileName, string? AgentLogsSummary,
    string? ServerCalculatedStagedHash, long? ServerCalculatedStagedSize, bool? HashComparisonResult, string? ErrorMessage,
    string? ValidatedPath, string? QuarantinePath, DateTime? ExpectedCycleUtc,
    string? ContentFormat, string? ContentCheck, string? ContentCheckDetail, DateTime CreatedAtUtc)
{
    public static EntryView Of(BackupEntry e) => new(e.Id, e.ExpectedJobId, e.Status.ToWire(), e.AgentReportTimestampUtc,
        e.AgentReportedHashSha256?.ToLowerInvariant(), e.AgentReportedSizeBytes, e.AgentCompressSizePreCompress, e.AgentCompressSizePostCompress,
        e.AgentTransferProcessStatus, e.AgentTransferProcessStartTime, e.AgentTransferProcessTimestamp, e.AgentTransferErrorMessage,
        e.AgentStagedFileName, e.AgentLogsSummary, e.ServerCalculatedStagedHash?.ToLowerInvariant(), e.ServerCalculatedStagedSize,
        e.HashComparisonResult, e.ErrorMessage, e.ValidatedPath, e.QuarantinePath, e.ExpectedCycleUtc,
        e.ContentFormat, e.ContentCheck?.ToWire(), e.ContentCheckDetail, e.CreatedAtUtc);
}

/// <summary>One delivery of the outbox (SPEC §8 `notifications list`).</summary>
public sealed record DeliveryView(
    int Id, int NoticeId, string Kind, string Destination, string State, int ExpectedJobId, int BackupEntryId, string Subject,
    int Attempts, string? LastError, DateTime CreatedAtUtc, DateTime? NextAttemptAtUtc, DateTime? LastAttemptAtUtc, DateTime? SentAtUtc, int? DigestId)
{
    public static DeliveryView Of(Notifications.OutboxRow row)
    {
        var (d, n) = (row.Delivery, row.Notice);
        return new(d.Id, n.Id, Wire(n.Kind), d.Destination, Wire(d.State), n.ExpectedJobId, n.BackupEntryId, row.Subject,
            d.Attempts, d.LastError, d.CreatedAtUtc, d.NextAttemptAtUtc, d.LastAttemptAtUtc, d.SentAtUtc, d.DigestId);
    }

    /// <summary>`alert`, `recovery`, `warning`; `pending`, `sent`, `failed`, `skipped`, `suppressed`: the names stored in the database too.</summary>
    public static string Wire<TEnum>(TEnum value) where TEnum : struct, Enum => value.ToString().ToLowerInvariant();
}

/// <summary>A destination as lists show it: the target of an HTTP kind as scheme, host and `…`, the secret never.</summary>
public sealed record DestinationView(string Name, string Kind, string Target, string Secret, bool Implicit, DateTime? CreatedAtUtc)
{
    public static DestinationView Of(Destination d) => new(d.Name, DeliveryView.Wire(d.Kind), Notifications.Channels.Redaction.Target(d),
        Notifications.Channels.Redaction.Secret(d.Secret), d.Name == Destination.Admins, d.Name == Destination.Admins ? null : d.CreatedAtUtc);
}

public sealed record RouteView(int Id, string Destination, string? Company, string? City, string? Agent, string? Database, IReadOnlyList<string> Statuses, DateTime CreatedAtUtc)
{
    public static RouteView Of(AlertRoute r) => new(r.Id, r.Destination, r.Company, r.City, r.Agent, r.Database,
        Decisions.NoticeRouting.ParseStatuses(r.Statuses), r.CreatedAtUtc);
}

public sealed record ScanSummaryView(
    int ReportsRead, int ReportsInvalid, int EntriesCreated, IReadOnlyDictionary<string, int> ByStatus,
    int NotificationsSent, int NotificationsFailed, long BytesVerified, long DurationMs)
{
    public static ScanSummaryView Of(Scanning.ScanSummary s) => new(s.ReportsRead, s.ReportsInvalid, s.EntriesCreated,
        StatusNames.AllEntryStatuses.ToDictionary(st => st.ToWire(), st => s.ByStatus[st]),
        s.NotificationsSent, s.NotificationsFailed, s.BytesVerified, s.DurationMs);
}

/// <summary>A plain aligned text table: readable in a terminal, in a log and on paper.</summary>
public static class Table
{
    public static void Write(TextWriter writer, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var all = rows.Select(r => r.Select(c => c ?? "").ToArray()).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        string Line(IReadOnlyList<string> cells)
        {
            var line = new StringBuilder();
            for (var i = 0; i < cells.Count; i++)
            {
                if (i > 0) line.Append("  ");
                line.Append(i == cells.Count - 1 ? cells[i] : cells[i].PadRight(widths[i]));
            }
            return line.ToString().TrimEnd();
        }
        writer.WriteLine(Line(headers));
        writer.WriteLine(Line(widths.Select(w => new string('-', w)).ToArray()));
        foreach (var row in all) writer.WriteLine(Line(row));
        if (all.Count == 0) writer.WriteLine("(none)");
    }

    public static string Time(DateTime? utc) => utc is null ? "-" : utc.Value.ToString("yyyy-MM-dd HH:mm'Z'");
}
