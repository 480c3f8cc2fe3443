using System.Globalization;
using BackupMonitor.Domain;

namespace BackupMonitor.Dashboard;

/// <summary>
/// Every text the dashboard shows, one instance per language (<see cref="English"/>, <see cref="French"/>). Typed
/// rather than .resx: a text missing from a language is a compile error (required members), not a silent fallback.
/// </summary>
public sealed partial class DashboardText
{
    public static readonly IReadOnlyList<string> Languages = ["en", "fr"];

    /// <summary>The texts of the request's UI culture (set by request localization), English by default.</summary>
    public static DashboardText Current => For(CultureInfo.CurrentUICulture.Name);

    public static DashboardText For(string? language) =>
        language is not null && language.StartsWith("fr", StringComparison.OrdinalIgnoreCase) ? French : English;

    public required string Language { get; init; }
    public required string LanguageName { get; init; }
    public required string LanguageLabel { get; init; }
    public required string SkipToContent { get; init; }
    public required string Overview { get; init; }
    public required string Notifications { get; init; }
    public required string MainNavigation { get; init; }
    public required string SignIn { get; init; }
    public required string SignOut { get; init; }
    public required string ApiKey { get; init; }
    public required string SignInHelp { get; init; }
    public required string WrongKey { get; init; }
    /// <summary>Too many wrong keys from this address: the seconds to wait.</summary>
    public required Func<int, string> TooManyFailures { get; init; }
    public required string FullAccess { get; init; }
    public required string ReadOnlyAccess { get; init; }
    public required string ReadOnlyExplained { get; init; }
    public required string Forbidden { get; init; }
    public required string RefreshNote { get; init; }
    public required string JobsByStatus { get; init; }
    public required string LastScan { get; init; }
    public required string NoScanYet { get; init; }
    public required string ScanRunningNow { get; init; }
    public required string RunScanNow { get; init; }
    public required string ScanAlreadyRunning { get; init; }
    public required Func<int, int, int, string> ScanCounts { get; init; }
    public required string ScanFinished { get; init; }
    public required string Jobs { get; init; }
    public required string Filters { get; init; }
    public required string Company { get; init; }
    public required string City { get; init; }
    public required string Neighborhood { get; init; }
    public required string Database { get; init; }
    public required string Agent { get; init; }
    public required string Status { get; init; }
    public required string LastSuccess { get; init; }
    public required string LastFailure { get; init; }
    public required string ExpectedTime { get; init; }
    public required string History { get; init; }
    public required string All { get; init; }
    public required string Search { get; init; }
    public required string SearchHint { get; init; }
    public required string Apply { get; init; }
    public required string Reset { get; init; }
    public required string IncludeInactive { get; init; }
    public required Func<int, int, string> JobsShown { get; init; }
    public required string NoJobs { get; init; }
    public required string Inactive { get; init; }
    public required string Never { get; init; }
    public required string NoReport { get; init; }
    public required string Job { get; init; }
    public required string Settings { get; init; }
    public required string Id { get; init; }
    public required string Grace { get; init; }
    public required string DefaultGrace { get; init; }
    public required string Active { get; init; }
    public required string Yes { get; init; }
    public required string No { get; init; }
    public required string LastChecked { get; init; }
    public required string Registered { get; init; }
    public required string Actions { get; init; }
    public required string Deactivate { get; init; }
    public required string Reactivate { get; init; }
    public required string Deactivated { get; init; }
    public required string Reactivated { get; init; }
    public required Func<int, string> NoSuchJob { get; init; }
    public required string Entries { get; init; }
    public required string Time { get; init; }
    public required string StagedFile { get; init; }
    public required string Error { get; init; }
    public required string ContentCheck { get; init; }
    public required Func<ContentCheck, string> ContentCheckLabel { get; init; }
    public required string SizeDropWarning { get; init; }
    public required string WhereItWent { get; init; }
    public required string AllFields { get; init; }
    public required string Validated { get; init; }
    public required string Quarantine { get; init; }
    public required string NoEntries { get; init; }
    public required string Previous { get; init; }
    public required string Next { get; init; }
    public required Func<int, int, string> PageOf { get; init; }
    public required string Created { get; init; }
    public required string Kind { get; init; }
    public required string State { get; init; }
    public required string Destination { get; init; }
    public required string Destinations { get; init; }
    public required string Routes { get; init; }
    public required string Target { get; init; }
    public required string Secret { get; init; }
    public required string Matchers { get; init; }
    public required string SendTest { get; init; }
    public required string NoDestinations { get; init; }
    public required string NoRoutes { get; init; }
    public required string RoutingHelp { get; init; }
    public required Func<string, string> TestAccepted { get; init; }
    public required Func<string, string, string> TestRefused { get; init; }
    public required string Subject { get; init; }
    public required string Attempts { get; init; }
    public required string LastError { get; init; }
    public required string NextAttempt { get; init; }
    public required string Sent { get; init; }
    public required string NoNotices { get; init; }
    public required Func<JobStatus, string> JobStatusLabel { get; init; }
    public required Func<BackupEntryStatus, string> EntryStatusLabel { get; init; }
    public required Func<DeliveryState, string> NoticeStateLabel { get; init; }
    public required Func<NoticeKind, string> NoticeKindLabel { get; init; }

    /// <summary>Times are shown in UTC, the unit of the whole product (expected times, reports, e-mails).</summary>
    public static string When(DateTime? utc) => utc is { } t ? t.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "";

    public string WhenOrNever(DateTime? utc) => utc is null ? Never : When(utc);
}
