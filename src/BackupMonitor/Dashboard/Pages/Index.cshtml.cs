using BackupMonitor.Security;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Scanning;
using Microsoft.AspNetCore.Mvc;

namespace BackupMonitor.Dashboard.Pages;

/// <summary>The overview: tiles per status, the last scan, and the jobs table (filters, search and sort in the query string).</summary>
public sealed class IndexModel(JobBoard board, ScanService scans, Persistence.DrillStore drills, Configuration.DrillOptions drillOptions, RetentionBoard retention, TimeProvider time, DashboardText text) : DashboardPageModel(text)
{
    protected override AccessAction? Reads => AccessAction.ReadJobs;

    [BindProperty(SupportsGet = true)] public string? Company { get; set; }
    [BindProperty(SupportsGet = true)] public string? City { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true, Name = "q")] public string? Search { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sort { get; set; }
    [BindProperty(SupportsGet = true)] public string? Dir { get; set; }
    [BindProperty(SupportsGet = true)] public bool Inactive { get; set; }
    [BindProperty(SupportsGet = true, Name = PageParameter)] public int PageNumber { get; set; } = 1;
    [BindProperty(SupportsGet = true)] public string? CSort { get; set; }
    [BindProperty(SupportsGet = true)] public string? CDir { get; set; }
    /// <summary>The company table's page: its own parameter, so paging it keeps the job list's page and the other way round.</summary>
    [BindProperty(SupportsGet = true, Name = CompanyPageParameter)] public int CompanyPage { get; set; } = 1;

    public const string CompanyPageParameter = "cp";

    public OverviewData Data { get; private set; } = null!;
    public bool ScanRunning => scans.IsRunning;
    public string? Alert { get; private set; }
    [TempData] public string? Flash { get; set; }

    public JobQuery Query => new(Company, City, Status, Search, Sort, Dir == "desc", Inactive, PageNumber);

    /// <summary>Active jobs drilled within DRILL_INTERVAL_DAYS, of all active jobs (SPEC §13).</summary>
    public (int Drilled, int Active, int Days) DrillShare { get; private set; }
    /// <summary>What validated storage and the trash hold (SPEC §14).</summary>
    public Persistence.StorageSpace Space { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Data = await board.OverviewAsync(Query, Caller, cancellationToken);
        var (drilled, active) = await drills.DrilledSinceAsync(time.GetUtcNow().UtcDateTime - drillOptions.Interval, cancellationToken, Caller);
        DrillShare = (drilled, active, drillOptions.IntervalDays);
        Space = await retention.AllAsync(Caller, cancellationToken);
    }

    public async Task<IActionResult> OnPostScanAsync([FromServices] MeteredScans metered, CancellationToken cancellationToken)
    {
        if (await RefusalAsync(AccessAction.RunScan, AccessTarget.None) is { } refused) return refused;
        var summary = await metered.TryRunRequestedAsync();
        if (summary is null)
        {
            // As POST /api/scans: say so at once rather than keep the request open for a scan that may take minutes.
            Alert = T.ScanAlreadyRunning;
            Response.StatusCode = StatusCodes.Status409Conflict;
            await OnGetAsync(cancellationToken);
            return Page();
        }
        Flash = $"{T.ScanFinished}: {T.ScanCounts(summary.ReportsRead, summary.ReportsInvalid, summary.EntriesCreated)}.";
        return RedirectToPage(RouteValues(Query.SortKey, Query.Descending));
    }

    /// <summary>The current state with another sort: every link keeps the filters.</summary>
    public Dictionary<string, string> RouteValues(string? sort = null, bool? descending = null, string? status = null, int page = 1)
    {
        var values = new Dictionary<string, string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value)) values[key] = value;
        }
        Add("company", Company);
        Add("city", City);
        Add("status", status ?? Status);
        Add("q", Search);
        var key = sort ?? Query.SortKey;
        if (key != JobQuery.AttentionSort) Add("sort", key);
        if (descending ?? Query.Descending) Add("dir", "desc");
        if (Inactive) Add("inactive", "true");
        if (page > 1) Add(PageParameter, page.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("csort", CSort);
        Add("cdir", CDir);
        if (CompanyPage > 1) Add(CompanyPageParameter, CompanyPage.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return values;
    }

    public string SortUrl(string key)
    {
        var descending = Query.SortKey == key && !Query.Descending;
        return Url.Page("/Index", RouteValues(key, descending))!;
    }

    public string PageUrl(int page) => Url.Page("/Index", RouteValues(page: page))!;

    /// <summary>The company table's sort: its own parameters, so sorting it keeps the job list's state; back to its first page.</summary>
    public string CompanySortUrl(string key)
    {
        var values = RouteValues(page: Query.Page);
        values["csort"] = key;
        if (CSort == key && CDir != "desc") values["cdir"] = "desc";
        else values.Remove("cdir");
        values.Remove(CompanyPageParameter);
        return Url.Page("/Index", values)!;
    }

    /// <summary>Another page of the company table, keeping its sort and the job list's state.</summary>
    public string CompanyPageUrl(int page)
    {
        var values = RouteValues(page: Query.Page);
        if (page > 1) values[CompanyPageParameter] = page.ToString(System.Globalization.CultureInfo.InvariantCulture);
        else values.Remove(CompanyPageParameter);
        return Url.Page("/Index", values)! + "#companies-heading";
    }

    public string? CompanyAriaSort(string key) => CSort != key ? null : CDir == "desc" ? "descending" : "ascending";

    public string CompanyUrl(string company) => Url.Page("/Index", new Dictionary<string, string> { ["company"] = company })!;

    public string? AriaSort(string key) =>
        Query.SortKey != key ? null : Query.Descending ? "descending" : "ascending";

    public string TileUrl(JobStatus status) =>
        Url.Page("/Index", new Dictionary<string, string> { ["status"] = status.ToWire() })!;
}
