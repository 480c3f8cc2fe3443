using BackupMonitor.Decisions;

namespace BackupMonitor.Tests.Decisions;

/// <summary>SPEC §6.2 routing, as a pure function: every matcher, `*`, statuses, and once per destination.</summary>
public sealed class NoticeRoutingTests
{
    private static readonly RoutedNotice Lyon = new("ACME", "Lyon", "ACME_Lyon_Part-Dieu", "stock", "hash_mismatch");

    private static AlertRoute Route(string destination, string? company = null, string? city = null, string? agent = null, string? database = null, string? statuses = null) =>
        new() { Destination = destination, Company = company, City = city, Agent = agent, Database = database, Statuses = statuses };

    [Theory]
    [InlineData(null, "anything", true)]
    [InlineData("", "anything", true)]
    [InlineData("ACME", "ACME", true)]
    [InlineData("ACME", "acme", false)]
    [InlineData("ACME", "ACME2", false)]
    [InlineData("ACME", "XACME", false)]
    [InlineData("*", "", true)]
    [InlineData("*", "ACME", true)]
    [InlineData("AC*", "ACME", true)]
    [InlineData("AC*", "AC", true)]
    [InlineData("*ME", "ACME", true)]
    [InlineData("*ME", "ACMEX", false)]
    [InlineData("A*E", "ACME", true)]
    [InlineData("A*E", "ACMF", false)]
    [InlineData("*C*", "ACME", true)]
    [InlineData("*x*", "ACME", false)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "aXbYbZ", false)]
    [InlineData("**", "x", true)]
    [InlineData("ACME_*_Part-Dieu", "ACME_Lyon_Part-Dieu", true)]
    [InlineData("ACME_*_Part-Dieu", "ACME_Lyon_Centre", false)]
    [InlineData("?", "x", false)]
    public void Glob_is_exact_and_case_sensitive_with_star_for_any_run(string? pattern, string value, bool expected) =>
        Assert.Equal(expected, NoticeRouting.Glob(pattern, value));

    [Fact]
    public void Every_matcher_must_hold_and_each_can_reject_alone()
    {
        Assert.True(NoticeRouting.Matches(Route("x"), Lyon));
        Assert.True(NoticeRouting.Matches(Route("x", "ACME", "Lyon", "ACME_Lyon_*", "st*", "failed,hash_mismatch"), Lyon));
        Assert.False(NoticeRouting.Matches(Route("x", company: "Other"), Lyon));
        Assert.False(NoticeRouting.Matches(Route("x", city: "Paris"), Lyon));
        Assert.False(NoticeRouting.Matches(Route("x", agent: "ACME_Paris_*"), Lyon));
        Assert.False(NoticeRouting.Matches(Route("x", database: "sales"), Lyon));
        Assert.False(NoticeRouting.Matches(Route("x", statuses: "failed,missing"), Lyon));
    }

    public static TheoryData<string> Statuses() => [.. NoticeRouting.RoutableStatuses];

    [Theory]
    [MemberData(nameof(Statuses))]
    public void A_status_list_matches_exactly_the_statuses_it_names(string status)
    {
        var notice = Lyon with { Status = status };
        foreach (var other in NoticeRouting.RoutableStatuses)
            Assert.Equal(other == status, NoticeRouting.Matches(Route("x", statuses: other), notice));
        Assert.True(NoticeRouting.Matches(Route("x", statuses: string.Join(",", NoticeRouting.RoutableStatuses)), notice));
        Assert.True(NoticeRouting.Matches(Route("x", statuses: $" {status} , failed "), notice));
    }

    [Fact]
    public void Alerts_route_by_entry_status_and_recoveries_by_their_kind()
    {
        Assert.Equal("hash_mismatch", RoutedNotice.StatusOf(NoticeKind.Alert, BackupEntryStatus.HashMismatch));
        Assert.Equal("recovery", RoutedNotice.StatusOf(NoticeKind.Recovery, BackupEntryStatus.Success));
        Assert.Equal(["failed", "missing", "hash_mismatch", "transfer_integrity_failed", "drill_failed", "recovery", "warning", "report"], NoticeRouting.RoutableStatuses.Where(s => s != "corrupt"));
    }

    [Fact]
    public void Admins_gets_everything_first_and_each_destination_appears_once_however_many_routes_match()
    {
        var routes = new[]
        {
            Route("security", statuses: "hash_mismatch"),
            Route("lyon-team", city: "Lyon"),
            Route("security", company: "ACME"),
            Route("paris-team", city: "Paris"),
            Route("lyon-team", database: "stock"),
        };

        Assert.Equal(["admins", "security", "lyon-team"], NoticeRouting.DestinationsFor(Lyon, routes, adminsExists: true));
        Assert.Equal(["security", "lyon-team"], NoticeRouting.DestinationsFor(Lyon, routes, adminsExists: false));
        Assert.Equal(["admins"], NoticeRouting.DestinationsFor(Lyon, [], adminsExists: true));
        Assert.Empty(NoticeRouting.DestinationsFor(Lyon with { City = "Nice", Company = "Other", Database = "x", Status = "failed" }, routes, adminsExists: false));
    }

    /// <summary>Every combination of the five matchers, each either absent, matching or not: a route matches exactly when none fails.</summary>
    [Fact]
    public void All_combinations_of_matchers_match_exactly_when_none_fails()
    {
        string?[][] options =
        [
            [null, "AC*", "Other"],
            [null, "Lyon", "Paris"],
            [null, "*Part-Dieu", "ACME_Paris_*"],
            [null, "stock", "s"],
            [null, "hash_mismatch,failed", "recovery"],
        ];
        var count = 0;
        foreach (var company in options[0])
        foreach (var city in options[1])
        foreach (var agent in options[2])
        foreach (var database in options[3])
        foreach (var statuses in options[4])
        {
            var failing = new[] { company == "Other", city == "Paris", agent == "ACME_Paris_*", database == "s", statuses == "recovery" };
            Assert.Equal(!failing.Any(f => f), NoticeRouting.Matches(Route("x", company, city, agent, database, statuses), Lyon));
            count++;
        }
        Assert.Equal(243, count);
    }
}
