namespace BackupMonitor.Dashboard;

/// <summary>The model of the _Strip partial: small on overview rows (a square a day), large on the job page (a labelled item per cycle).</summary>
public sealed record StripView(IReadOnlyList<StripDay> Days, bool Large);

/// <summary>The model of the _Pager partial: where this page is and how to link to another; a label when a page has two pagers.</summary>
public sealed record PagerView(int Number, int Pages, Func<int, string> Url, string? Label = null);
