using System.Globalization;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Security;
using Microsoft.AspNetCore.Mvc;

namespace BackupMonitor.Dashboard.Pages;

/// <summary>The audit trail for admins (SPEC §11): the newest events, filtered by actor and time.</summary>
public sealed class AuditModel(AuditTrail audit, DashboardText text) : DashboardPageModel(text)
{
    protected override AccessAction? Reads => AccessAction.ReadAudit;

    public const int PageSize = 200;

    [BindProperty(SupportsGet = true)] public string? Actor { get; set; }
    [BindProperty(SupportsGet = true)] public string? Since { get; set; }
    public IReadOnlyList<AuditView> Events { get; private set; } = [];
    public AccessText A => AccessText.For(T.Language);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        DateTime? from = DateTimeOffset.TryParse(Since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? Timestamps.Normalize(parsed.UtcDateTime) : null;
        Events = (await audit.ListAsync(from, string.IsNullOrWhiteSpace(Actor) ? null : Actor.Trim(), PageSize, cancellationToken)).Select(AuditView.Of).ToList();
        return Page();
    }
}
