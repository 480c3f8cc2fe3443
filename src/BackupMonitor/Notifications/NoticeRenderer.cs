using System.Globalization;
using BackupMonitor.Configuration;
using BackupMonitor.Domain;
using BackupMonitor.Notifications.Channels;

namespace BackupMonitor.Notifications;

/// <summary>
/// Renders a notice's texts at delivery, from the notice and its job and entry as read then. A template fault
/// throws here, in the delivery pass, where it becomes that delivery's error; the scan never renders anything.
/// </summary>
public sealed class NoticeRenderer(EmailOptions options)
{
    public RenderedNotice Render(Notice notice, ExpectedBackupJob job, BackupEntry entry)
    {
        var template = MessageTemplate.Get(notice.Kind == NoticeKind.Alert ? "alert" : "recovery", options.Language);
        var values = new Dictionary<string, string?>
        {
            ["database_name"] = job.DatabaseName,
            ["status_label"] = entry.Status.ToLabel(),
            ["job_id"] = Number(job.Id),
            ["agent_id"] = job.AgentIdResponsible,
            ["company_name"] = job.CompanyName,
            ["city"] = job.City,
            ["neighborhood"] = job.Neighborhood,
            ["job_status"] = notice.JobStatus.ToWire().ToUpperInvariant(),
            ["previous_job_status"] = notice.PreviousJobStatus.ToWire().ToUpperInvariant(),
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
        };
        var (subject, text, html) = template.Render(values);
        return new RenderedNotice(subject, text, html, subject);
    }

    /// <summary>The message of `notify test` and `destinations test`.</summary>
    public RenderedNotice RenderTest(DateTime sentAtUtc)
    {
        var (subject, text, html) = MessageTemplate.Get("test", options.Language).Render(new Dictionary<string, string?> { ["sent_at"] = Time(sentAtUtc) });
        return new RenderedNotice(subject, text, html, subject);
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Time(DateTime? utc) => utc?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
