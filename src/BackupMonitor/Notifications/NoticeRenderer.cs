using System.Globalization;
using BackupMonitor.Configuration;
using BackupMonitor.Domain;
using BackupMonitor.Notifications.Channels;

namespace BackupMonitor.Notifications;

/// <summary>
/// Renders a notice's texts at delivery, from the notice and its job and entry as read then, with the templates of
/// its kind and NOTIFICATION_LANGUAGE. A template fault throws here, in the delivery pass, where it becomes that
/// delivery's error; the scan never renders anything.
/// </summary>
public sealed class NoticeRenderer(EmailOptions options, NotificationTemplates templates)
{
    public RenderedNotice Render(Notice notice, ExpectedBackupJob job, BackupEntry entry) =>
        Render(notice.Kind.ToString().ToLowerInvariant(), Values(notice, job, entry));

    /// <summary>The values every template of a notice may use, as text (null: absent, so `| default:` applies).</summary>
    public static Dictionary<string, string?> Values(Notice notice, ExpectedBackupJob job, BackupEntry entry) => new()
    {
        ["kind"] = notice.Kind.ToString().ToLowerInvariant(),
        ["notice_id"] = Number(notice.Id),
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
        ["hash_comparison"] = entry.HashComparisonResult switch { true => "differs", false => "matches", null => null },
        ["logs_summary"] = entry.AgentLogsSummary,
        ["content_check"] = entry.ContentCheck?.ToWire(),
        ["content_format"] = entry.ContentFormat,
        ["content_check_detail"] = entry.ContentCheckDetail,
    };

    /// <summary>One message for several notices of one kind (SPEC §6.3): the §6.1 digest subject, one line per notice.</summary>
    public RenderedNotice RenderDigest(NoticeKind kind, IReadOnlyList<DigestItem> items)
    {
        var values = new Dictionary<string, string?>
        {
            ["kind"] = "digest", ["digest_kind"] = kind.ToString().ToLowerInvariant(), ["count"] = Number(items.Count),
        };
        var lines = items.Select(i => new Dictionary<string, object?>
        {
            ["company_name"] = i.Job.CompanyName, ["city"] = i.Job.City, ["agent_id"] = i.Job.AgentIdResponsible, ["database_name"] = i.Job.DatabaseName,
            ["entry_status"] = i.Entry.Status.ToWire().ToUpperInvariant(), ["error"] = i.Entry.ErrorMessage ?? i.Entry.AgentTransferErrorMessage,
            ["job_id"] = Number(i.Job.Id), ["entry_id"] = Number(i.Entry.Id), ["notice_id"] = Number(i.Notice.Id),
        }).ToList();
        return Render("digest", values, lines);
    }

    /// <summary>The message of `notify test` and `destinations test`.</summary>
    public RenderedNotice RenderTest(DateTime sentAtUtc) => Render("test", new Dictionary<string, string?> { ["kind"] = "test", ["sent_at"] = Time(sentAtUtc) });

    /// <summary>Subject first (the other parts may show it), then the text (the HTML part may wrap it), then HTML and chat.</summary>
    private RenderedNotice Render(string kind, Dictionary<string, string?> values, IReadOnlyList<Dictionary<string, object?>>? items = null)
    {
        var language = options.Language;
        var subject = templates.Render(kind, language, "subject", values, items).Trim();
        values["subject"] = subject;
        var text = templates.Render(kind, language, "text", values, items).TrimEnd() + "\n";
        values["text"] = text;
        var html = templates.Render(kind, language, "html", values, items);
        var chat = templates.Render(kind, language, "chat", values, items).TrimEnd();
        return new RenderedNotice(subject, text, html, chat);
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Time(DateTime? utc) => utc?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
