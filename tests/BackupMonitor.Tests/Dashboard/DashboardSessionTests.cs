using System.Net;
using BackupMonitor.Tests.Api;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>Sign-in with an API key, the session cookie, sign-out, anti-forgery, and the API's bearer scheme left as it was.</summary>
public sealed class DashboardSessionTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/?status=failed")]
    [InlineData("/jobs/1")]
    [InlineData("/notifications")]
    public async Task Every_page_redirects_to_sign_in_without_a_session(string path)
    {
        await using var host = await DashboardTestHost.StartAsync();
        var response = await host.NewBrowser().GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin?ReturnUrl=" + Uri.EscapeDataString(path), response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task A_bearer_key_opens_no_page_and_a_session_opens_no_api_route()
    {
        await using var host = await DashboardTestHost.StartAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await host.Api.Full.GetAsync("/")).StatusCode);
        var browser = await host.SignedInAsync(ApiTestHost.FullKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Api.Read.GetAsync("/api/jobs")).StatusCode);
    }

    [Fact]
    public async Task Sign_in_page_asks_for_the_key_with_a_labelled_password_field()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var html = await host.NewBrowser().PageAsync("/signin");
        Assert.Contains("<label for=\"api-key\">API key</label>", html);
        Assert.Contains("id=\"api-key\" name=\"ApiKey\" type=\"password\"", html);
        Assert.Contains("__RequestVerificationToken", html);
    }

    [Fact]
    public async Task Sign_in_with_a_full_key_sets_an_HttpOnly_SameSite_session_cookie_and_returns_to_the_page_asked_for()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var browser = host.NewBrowser();
        var response = await browser.SignInAsync(ApiTestHost.FullKey, "/notifications?state=sent");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/notifications?state=sent", response.Headers.Location!.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("backupmonitor_session="));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie.Replace("backupmonitor_session", ""), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ApiTestHost.FullKey, cookie);
        var html = await browser.PageAsync("/");
        Assert.Contains("Full access", html);
    }

    [Fact]
    public async Task The_session_cookie_is_Secure_over_https()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var browser = host.NewBrowser(https: true);
        var response = await browser.SignInAsync(ApiTestHost.ReadKey);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("backupmonitor_session="));
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("")]
    [InlineData("full-key-0123456789abcdeX")]
    public async Task A_wrong_key_is_refused_with_a_message_and_no_session(string key)
    {
        await using var host = await DashboardTestHost.StartAsync();
        var browser = host.NewBrowser();
        var response = await browser.SignInAsync(key);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("This key is not valid.", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("backupmonitor_session=")));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("https://evil.example/")]
    [InlineData("/\\evil.example")]
    public async Task Sign_in_never_redirects_off_the_site(string returnUrl)
    {
        await using var host = await DashboardTestHost.StartAsync();
        var response = await host.NewBrowser().SignInAsync(ApiTestHost.FullKey, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var browser = await host.SignedInAsync(ApiTestHost.ReadKey);
        var response = await browser.PostAsync("/signout");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin", response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);
    }

    [Theory]
    [InlineData("/signin")]
    [InlineData("/signout")]
    [InlineData("/?handler=Scan")]
    [InlineData("/jobs/1?handler=Deactivate")]
    public async Task A_post_without_its_anti_forgery_token_is_rejected(string path)
    {
        await using var host = await DashboardTestHost.StartAsync();
        var job = await host.Api.CreateJobAsync(ApiTestHost.JobBody());
        var browser = await host.SignedInAsync(ApiTestHost.FullKey);
        var response = await browser.PostAsync(path, new Dictionary<string, string> { ["ApiKey"] = ApiTestHost.FullKey }, tokenFrom: null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(host.Db(db => db.Jobs.Single(j => j.Id == (int)job["id"]!).IsActive));
        Assert.Equal(0, host.Db(db => db.ScanRuns.Count()));
    }

    [Fact]
    public async Task A_token_from_another_session_is_rejected()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var other = await host.SignedInAsync(ApiTestHost.FullKey);
        var token = DashboardTestHost.Browser.TokenIn(await other.PageAsync("/"));
        var browser = await host.SignedInAsync(ApiTestHost.FullKey);
        var response = await browser.Client.PostAsync("/?handler=Scan",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_stylesheet_is_served_to_anyone()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var response = await host.NewBrowser().GetAsync("/dashboard.css");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(".strip", await response.Content.ReadAsStringAsync());
    }
}
