using System.Net;
using System.Text.RegularExpressions;
using BackupMonitor.Persistence;
using BackupMonitor.Tests.Api;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BackupMonitor.Tests.Dashboard;

/// <summary>
/// `serve` in memory (as <see cref="ApiTestHost"/>) on a fresh database of the suite's provider, with a fixed clock,
/// and browsers: clients that keep cookies and follow no redirect, so each test sees every 302 and Set-Cookie.
/// </summary>
public sealed partial class DashboardTestHost : IAsyncDisposable
{
    public static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    private readonly List<Browser> browsers = [];

    private DashboardTestHost(ApiTestHost api, FakeTimeProvider time)
    {
        Api = api;
        Time = time;
    }

    public ApiTestHost Api { get; }
    public FakeTimeProvider Time { get; }

    public static async Task<DashboardTestHost> StartAsync(Action<IServiceCollection>? register = null)
    {
        var time = TestClock.New(Now);
        var api = await ApiTestHost.StartAsync(register, time);
        return new DashboardTestHost(api, time);
    }

    public Browser NewBrowser(string? acceptLanguage = null, bool https = false)
    {
        var browser = new Browser(Api.App.GetTestServer().CreateHandler(), https ? "https://localhost" : "http://localhost", acceptLanguage);
        browsers.Add(browser);
        return browser;
    }

    public async Task<Browser> SignedInAsync(string key, string? acceptLanguage = null)
    {
        var browser = NewBrowser(acceptLanguage);
        var response = await browser.SignInAsync(key);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    public async Task SeedAsync(Func<BackupMonitorDbContext, Task> seed)
    {
        await using var scope = Api.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();
        await seed(db);
        await db.SaveChangesAsync();
    }

    public T Db<T>(Func<BackupMonitorDbContext, T> query) => Api.Db(query);

    public async ValueTask DisposeAsync()
    {
        foreach (var browser in browsers) browser.Dispose();
        await Api.DisposeAsync();
    }

    /// <summary>An HTTP client with a cookie jar, and the form handling a browser does (anti-forgery token included).</summary>
    public sealed partial class Browser : IDisposable
    {
        private readonly HttpClient client;

        public Browser(HttpMessageHandler server, string baseAddress, string? acceptLanguage)
        {
            client = new HttpClient(new CookieJar(server, Cookies)) { BaseAddress = new Uri(baseAddress) };
            if (acceptLanguage is not null) client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
        }

        public CookieContainer Cookies { get; } = new();
        public HttpClient Client => client;

        public Task<HttpResponseMessage> GetAsync(string path) => client.GetAsync(path);

        public async Task<string> PageAsync(string path)
        {
            var response = await client.GetAsync(path);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}\n{html}");
            return html;
        }

        /// <summary>Posts a form the way the page's own form would: with the anti-forgery token found on <paramref name="tokenFrom"/>.</summary>
        public async Task<HttpResponseMessage> PostAsync(string path, IDictionary<string, string>? fields = null, string? tokenFrom = "/")
        {
            var form = new Dictionary<string, string>(fields ?? new Dictionary<string, string>());
            if (tokenFrom is not null) form["__RequestVerificationToken"] = TokenIn(await PageAsync(tokenFrom));
            return await client.PostAsync(path, new FormUrlEncodedContent(form));
        }

        public Task<HttpResponseMessage> SignInAsync(string key, string returnUrl = "") =>
            PostAsync("/signin" + (returnUrl == "" ? "" : "?ReturnUrl=" + Uri.EscapeDataString(returnUrl)),
                new Dictionary<string, string> { ["ApiKey"] = key }, tokenFrom: "/signin");

        public static string TokenIn(string html)
        {
            var match = TokenPattern().Match(html);
            Assert.True(match.Success, "no anti-forgery token on the page");
            return WebUtility.HtmlDecode(match.Groups[1].Value);
        }

        [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
        private static partial Regex TokenPattern();

        public void Dispose() => client.Dispose();
    }

    private sealed class CookieJar(HttpMessageHandler inner, CookieContainer cookies) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var header = cookies.GetCookieHeader(request.RequestUri!);
            if (header.Length > 0) request.Headers.Add("Cookie", header);
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
            {
                foreach (var value in values) cookies.SetCookies(request.RequestUri!, value);
            }
            return response;
        }
    }
}
