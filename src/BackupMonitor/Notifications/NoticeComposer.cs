using System.Globalization;
using BackupMonitor.Configuration;
using BackupMonitor.Domain;

namespace BackupMonitor.Notifications;

/// <summary>Renders the subject and bodies of an alert or recovery notice from the job and entry as saved.</summary>
public sealed class NoticeComposer(EmailOptions options)
{
    public (string Subject, string Text, string Html) Compose(NoticeKind kind, ExpectedBackupJob job, BackupEntry entry, JobStatus previousJobStatus)
    {
        var template = MessageTemplate.Get(kind switch { NoticeKind.Alert => "alert", NoticeKind.Warning => "warning", _ => "recovery" }, options.Language);
        var values = new Dictionary<string, string?>
        {
            ["database_name"] = job.DatabaseName,
            ["status_label"] = entry.Status.ToLabel(),
            ["job_id"] = Number(job.Id),
            ["agent_id"] = job.AgentIdResponsible,
            ["company_name"] = job.CompanyName,
            ["city"] = job.City,
            ["neighborhood"] = job.Neighborhood,
            ["job_status"] = job.CurrentStatus.ToWire().ToUpperInvariant(),
            ["previous_job_status"] = previousJobStatus.ToWire().ToUpperInvariant(),
            ["entry_id"] = Number(entry.Id),
            ["entry_status"] = entry.Status.ToWire().ToUpperInvariant(),
            ["agent_timestamp"] = Time(entry.AgentReportTimestampUtc),
            ["expected_cycle"] = Time(entry.ExpectedCycleUtc),
            ["agent_transfer_error_message"] = entry.AgentTransferErrorMessage,
            ["error_message"] = entry.ErrorMessage,
            ["agent_hash"] = entry.AgentReportedHashSha256?.ToLowerInvariant(),
            ["server_hash"] = entry.ServerCalculatedStagedHash?.ToLowerInvariant(),
            ["agent_size"] = entry.AgentReportedSizeBytes is { } agentSize ? Number(agentSize) : null,
            ["server_size"] = entry.ServerCalculatedStagedSize is { } serverSize ? Number(serverSize) : null,
            ["hash_comparison"] = entry.HashComparisonResult switch
            {
                true => template.Words["hash_differs"],
                false => template.Words["hash_matches"],
                null => null,
            },
            ["logs_summary"] = entry.AgentLogsSummary,
            ["content_check"] = entry.ContentCheck?.ToWire(),
            ["content_format"] = entry.ContentFormat,
            ["content_check_detail"] = entry.ContentCheckDetail,
        };
        return template.Render(values);
    }

    /// <summary>The message of `notify test`.</summary>
    public (string Subject, string Text, string Html) ComposeTest(DateTime sentAtUtc) =>
        MessageTemplate.Get("test", options.Language).Render(new Dictionary<string, string?> { ["sent_at"] = Time(sentAtUtc) });

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Time(DateTime? utc) => utc?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
