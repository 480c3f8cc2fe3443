using BackupMonitor.Security;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.Notifications;
using Microsoft.AspNetCore.Mvc;

namespace BackupMonitor.Dashboard.Pages;

/// <summary>Maintenance windows (SPEC §6.3): the list, and for full keys a form to add one and a button to remove each.</summary>
public sealed class MaintenanceModel(MaintenanceRegistry registry, BackupMonitor.Jobs.JobRegistry jobsRegistry, TimeProvider time, DashboardText text) : DashboardPageModel(text)
{
    protected override AccessAction? Reads => AccessAction.ReadMaintenance;

    public QuietingText Q => QuietingText.For(T.Language);
    public IReadOnlyList<MaintenanceView> Windows { get; private set; } = [];
    /// <summary>How many jobs each window covers now (open windows only).</summary>
    public IReadOnlyDictionary<int, int> CoveredNow { get; private set; } = new Dictionary<int, int>();
    [TempData] public string? Flash { get; set; }
    public string? Problem { get; private set; }
    [BindProperty] public MaintenanceForm Form { get; set; } = new();

    public sealed class MaintenanceForm
    {
        public string? Company { get; set; }
        public string? City { get; set; }
        public string? Agent { get; set; }
        public string? Database { get; set; }
        public string? From { get; set; }
        public string? Until { get; set; }
        public string? Schedule { get; set; }
        public int? DurationMinutes { get; set; }
        public string? TimeZone { get; set; }
        public string? Reason { get; set; }
    }

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        if (await RefusalAsync(AccessAction.ManageMaintenance, AccessTarget.Window(Blank(Form.Company)?.Trim())) is { } refused) return refused;
        try
        {
            await registry.AddAsync(new MaintenanceRequest(Form.Company, Form.City, Form.Agent, Form.Database, Blank(Form.From), Blank(Form.Until),
                Blank(Form.Schedule), Form.DurationMinutes, Blank(Form.TimeZone), Form.Reason), cancellationToken);
        }
        catch (RoutingRequestException e)
        {
            Problem = e.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(cancellationToken);
            return Page();
        }
        Flash = Q.WindowAdded;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(int id, CancellationToken cancellationToken)
    {
        if (await registry.FindAsync(id, cancellationToken) is not { } window) return Message(StatusCodes.Status404NotFound, Q.NoSuchWindow(id));
        if (await RefusalAsync(AccessAction.ManageMaintenance, AccessTarget.Window(window.Company)) is { } refused) return refused;
        try
        {
            await registry.RemoveAsync(id, cancellationToken);
        }
        catch (RoutingRequestException)
        {
            return Message(StatusCodes.Status404NotFound, Q.NoSuchWindow(id));
        }
        Flash = Q.WindowRemoved;
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var windows = await registry.ListAsync(cancellationToken, Caller);
        companyOf = windows.ToDictionary(w => w.Id, w => w.Company);
        Windows = windows.Select(w => MaintenanceView.Of(w, now)).ToList();
        var open = windows.Where(w => MaintenanceCoverage.IsOpen(w, now)).ToList();
        // Counted over the jobs the key sees.
        var jobs = open.Count == 0 ? [] : await jobsRegistry.ListAsync(cancellationToken: cancellationToken, caller: Caller);
        CoveredNow = open.ToDictionary(w => w.Id, w => jobs.Count(j => MaintenanceCoverage.Matches(w, j)));
    }

    private Dictionary<int, string?> companyOf = [];

    /// <summary>Whether the remove button shows: the decision for this window's `company` (a limited operator: exactly one of its companies).</summary>
    public bool MayRemove(MaintenanceView window) =>
        User.Caller() is { } caller && companyOf.TryGetValue(window.Id, out var company)
        && Decisions.Access.Decide(caller, AccessAction.ManageMaintenance, AccessTarget.Window(company)) == AccessDecision.Allow;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
