using BackupMonitor.Security;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.Notifications;
using Microsoft.AspNetCore.Mvc;

namespace BackupMonitor.Dashboard.Pages;

/// <summary>Where notices go: the destinations (targets redacted, secrets never shown) with a "send a test" button, and the routes.</summary>
public sealed class DestinationsModel(DestinationRegistry registry, DashboardText text) : DashboardPageModel(text)
{
    protected override AccessAction? Reads => AccessAction.ReadDestinations;

    public IReadOnlyList<DestinationView> Destinations { get; private set; } = [];
    public IReadOnlyList<RouteView> Routes { get; private set; } = [];
    [TempData] public string? Flash { get; set; }
    [TempData] public string? Alert { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Destinations = (await registry.ListAsync(cancellationToken)).Select(DestinationView.Of).ToList();
        Routes = (await registry.RoutesAsync(cancellationToken)).Select(RouteView.Of).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostTestAsync(string name, CancellationToken cancellationToken)
    {
        if (await RefusalAsync(AccessAction.ManageDestinations, AccessTarget.None) is { } refused) return refused;
        try
        {
            if (await registry.TestAsync(name, cancellationToken) is { } error) Alert = T.TestRefused(name, error);
            else Flash = T.TestAccepted(name);
        }
        catch (RoutingRequestException e)
        {
            return Message(StatusCodes.Status404NotFound, e.Message);
        }
        return RedirectToPage();
    }
}
