using BackupMonitor.Domain;
using Microsoft.AspNetCore.Mvc;

namespace BackupMonitor.Dashboard.Pages;

/// <summary>The outbox: every notice with its state, attempts and last error, newest first.</summary>
public sealed class NotificationsModel(JobBoard board, DashboardText text) : DashboardPageModel(text)
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? State { get; set; }
    public NoticeState? WantedState => Enum.GetValues<NoticeState>().Cast<NoticeState?>().FirstOrDefault(s => Wire(s!.Value) == State);
    public PageOf<Notice> Notices { get; private set; } = null!;

    public async Task OnGetAsync([FromQuery(Name = PageParameter)] int pageNumber, CancellationToken cancellationToken) =>
        Notices = await board.NoticesAsync(WantedState, pageNumber, PageSize, cancellationToken);

    public static string Wire(NoticeState state) => state.ToString().ToLowerInvariant();
}
