namespace BackupMonitor.Dashboard;

/// <summary>The model of the _Strip partial: small on overview rows, large (one labelled item per cycle) on the job page.</summary>
public sealed record StripView(IReadOnlyList<StripCell> Cells, bool Large);

/// <summary>The model of the _Pager partial: where this page is and how to link to another.</summary>
public sealed record PagerView(int Number, int Pages, Func<int, string> Url);
