using System.Globalization;
using System.Text.Json.Nodes;
using BackupMonitor.Decisions;
using BackupMonitor.Configuration;
using BackupMonitor.Domain;
using BackupMonitor.Notifications.Channels;

namespace BackupMonitor.Notifications;

/// <summary>
/// Renders a notice's texts at delivery, from the notice and its job and entry as read then (either may be absent),
/// with the templates of its kind (<see cref="TemplateOf"/>) and NOTIFICATION_LANGUAGE, and asks each registered
/// <see cref="INoticeAttachments"/> for files. A template fault throws here, in the delivery pass, where it becomes that
/// delivery's error; the scan never renders anything.
/// </summary>
public sealed class NoticeRenderer(EmailOptions options, NotificationTemplates templates, IEnumerable<INoticeAttachments>? attachments = null)
{
    public RenderedNotice Render(Notice notice, ExpectedBackupJob? job, BackupEntry? entry) => Render(new NoticeContent(notice, job, entry));

    public RenderedNotice Render(NoticeContent content) =>
        Render(TemplateOf(content.Notice), Values(content.Notice, content.Job, content.Entry), payload: Payload(content.Notice.Payload))
        with { Attachments = [.. (attachments ?? []).SelectMany(a => a.For(content))] };

    /// <summary>
    /// Which templates a notice uses (`&lt;name&gt;.&lt;language&gt;.&lt;part&gt;.liquid`): its kind (`alert`, `recovery`,
    /// `warning`, `report`), except a failed drill (`drill_failed`) and the warnings of a drill's row drop
    /// (`warning_row_drop`) and of a refused retention run (`warning_retention`), each with its own subject (SPEC §6.1).
    /// </summary>
    public static string TemplateOf(Notice notice) => notice switch
    {
        { Kind: NoticeKind.Alert, Status: NoticeRouting.DrillFailed } => "drill_failed",
        { Kind: NoticeKind.Warning, Warning: WarningKind.DrillRowDrop } => "warning_row_drop",
        { Kind: NoticeKind.Warning, Warning: WarningKind.RetentionRefused } => "warning_retention",
        _ => notice.Kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The values every template of a notice may use, as text (null: absent, so `| default:` applies).</summary>
    public static Dictionary<string, string?> Values(Notice notice, ExpectedBackupJob? job, BackupEntry? entry) => new()
    {
        ["kind"] = notice.Kind.ToString().ToLowerInvariant(),
        ["notice_id"] = Number(notice.Id),
        ["status"] = notice.Status,
        ["database_name"] = job?.DatabaseName,
        ["status_label"] = entry?.Status.ToLabel() ?? notice.Status.ToUpperInvariant().Replace('_', ' '),
        ["job_id"] = job is null ? null : Number(job.Id),
        ["agent_id"] = job?.AgentIdResponsible,
        ["company_name"] = job?.CompanyName ?? notice.CompanyName,
        ["city"] = job?.City,
        ["neighborhood"] = job?.Neighborhood,
        ["job_status"] = job is null ? null : notice.JobStatus.ToWire().ToUpperInvariant(),
        ["previous_job_status"] = job is null ? null : notice.PreviousJobStatus.ToWire().ToUpperInvariant(),
        ["entry_id"] = entry is null ? null : Number(entry.Id),
        ["entry_status"] = entry?.Status.ToWire().ToUpperInvariant(),
        ["agent_timestamp"] = Time(entry?.AgentReportTimestampUtc),
        ["expected_cycle"] = Time(entry?.ExpectedCycleUtc),
        ["agent_transfer_error_message"] = entry?.AgentTransferErrorMessage,
        ["error_message"] = entry?.ErrorMessage,
        ["agent_hash"] = entry?.AgentReportedHashSha256?.ToLowerInvariant(),
        ["server_hash"] = entry?.ServerCalculatedStagedHash?.ToLowerInvariant(),
        ["agent_size"] = entry?.AgentReportedSizeBytes is { } agentSize ? Number(agentSize) : null,
        ["server_size"] = entry?.ServerCalculatedStagedSize is { } serverSize ? Number(serverSize) : null,
        ["hash_comparison"] = entry?.HashComparisonResult switch { true => "differs", false => "matches", null => null },
        ["logs_summary"] = entry?.AgentLogsSummary,
        ["content_check"] = entry?.ContentCheck?.ToWire(),
        ["content_format"] = entry?.ContentFormat,
        ["content_check_detail"] = entry?.ContentCheckDetail,
        ["drill_id"] = notice.DrillId is { } drill ? Number(drill) : null,
        ["period"] = notice.Period,
        ["detail"] = notice.Detail,
    };

    /// <summary>A notice's JSON payload as Liquid values (objects, lists, text, numbers), `payload` in its templates.</summary>
    public static object? Payload(string? json) => json is null ? null : Liquid(JsonNode.Parse(json));

    private static object? Liquid(JsonNode? node) => node switch
    {
        JsonObject o => o.ToDictionary(p => p.Key, p => Liquid(p.Value)),
        JsonArray a => a.Select(Liquid).ToList(),
        JsonValue v when v.TryGetValue<decimal>(out var number) => number,
        JsonValue v when v.TryGetValue<bool>(out var flag) => flag,
        JsonValue v => v.ToString(),
        _ => null,
    };

    /// <summary>One message for several notices of one kind (SPEC §6.3): the §6.1 digest subject, one line per notice.</summary>
    public RenderedNotice RenderDigest(NoticeKind kind, IReadOnlyList<NoticeContent> items)
    {
        var values = new Dictionary<string, string?>
        {
            ["kind"] = "digest", ["digest_kind"] = kind.ToString().ToLowerInvariant(), ["count"] = Number(items.Count),
        };
        var lines = items.Select(i => new Dictionary<string, object?>
        {
            ["company_name"] = i.Job?.CompanyName ?? i.Notice.CompanyName, ["city"] = i.Job?.City, ["agent_id"] = i.Job?.AgentIdResponsible, ["database_name"] = i.Job?.DatabaseName,
            ["entry_status"] = i.Notice.Status.ToUpperInvariant(), ["error"] = i.Entry?.ErrorMessage ?? i.Entry?.AgentTransferErrorMessage ?? i.Notice.Detail,
            ["job_id"] = i.Job is null ? null : Number(i.Job.Id), ["entry_id"] = i.Entry is null ? null : Number(i.Entry.Id), ["notice_id"] = Number(i.Notice.Id),
        }).ToList();
        return Render("digest", values, lines);
    }

    /// <summary>The message of `notify test` and `destinations test`.</summary>
    public RenderedNotice RenderTest(DateTime sentAtUtc) => Render("test", new Dictionary<string, string?> { ["kind"] = "test", ["sent_at"] = Time(sentAtUtc) });

    /// <summary>Subject first (the other parts may show it), then the text (the HTML part may wrap it), then HTML and chat.</summary>
    private RenderedNotice Render(string kind, Dictionary<string, string?> values, IReadOnlyList<Dictionary<string, object?>>? items = null, object? payload = null)
    {
        var language = options.Language;
        var subject = templates.Render(kind, language, "subject", values, items, payload).Trim();
        values["subject"] = subject;
        var text = templates.Render(kind, language, "text", values, items, payload).TrimEnd() + "\n";
        values["text"] = text;
        var html = templates.Render(kind, language, "html", values, items, payload);
        var chat = templates.Render(kind, language, "chat", values, items, payload).TrimEnd();
        return new RenderedNotice(subject, text, html, chat);
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Time(DateTime? utc) => utc?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
