using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Notifications;
using Microsoft.AspNetCore.Mvc;

namespace BackupMonitor.Dashboard.Pages;

/// <summary>The outbox: every delivery with its destination, state, attempts and last error, newest first.</summary>
public sealed class NotificationsModel(JobBoard board, DashboardText text) : DashboardPageModel(text)
{
    protected override AccessAction? Reads => AccessAction.ReadNotifications;

    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? State { get; set; }
    [BindProperty(SupportsGet = true)] public string? Destination { get; set; }
    public DeliveryState? WantedState => OutboxQuery.TryParseState(State, out var state) ? state : null;
    public PageOf<OutboxRow> Deliveries { get; private set; } = null!;

    public async Task OnGetAsync([FromQuery(Name = PageParameter)] int pageNumber, CancellationToken cancellationToken) =>
        Deliveries = await board.DeliveriesAsync(WantedState, string.IsNullOrWhiteSpace(Destination) ? null : Destination, pageNumber, PageSize, Caller, cancellationToken);

    public static string Wire(DeliveryState state) => OutboxQuery.Wire(state);
}
