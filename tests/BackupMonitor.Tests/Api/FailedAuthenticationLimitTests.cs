using System.Net;
using System.Net.Http.Headers;
using BackupMonitor.Api;
using BackupMonitor.Tests.Dashboard;
using Microsoft.AspNetCore.TestHost;

namespace BackupMonitor.Tests.Api;

/// <summary>
/// Failed authentications are limited per client address (10 a minute), with the framework's rate limiter; a valid
/// key, from the same address, is never refused or slowed.
/// </summary>
public class FailedAuthenticationLimitTests
{
    private static HttpClient From(ApiTestHost host, string address, string? key)
    {
        var client = new HttpClient(host.App.GetTestServer().CreateHandler(context => context.Connection.RemoteIpAddress = IPAddress.Parse(address)))
        {
            BaseAddress = new Uri("http://localhost"),
        };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Fact]
    public async Task Past_ten_failed_keys_a_minute_one_address_gets_429_with_retry_after_while_valid_keys_and_other_addresses_still_work()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var attacker = From(host, "192.0.2.7", "guess-0000");
        using var sameAddressValid = From(host, "192.0.2.7", ApiTestHost.FullKey);
        using var sameAddressReadOnly = From(host, "192.0.2.7", ApiTestHost.ReadKey);
        using var neighbour = From(host, "192.0.2.8", "typo-key");

        for (var i = 0; i < FailedAuthentications.PermitLimit; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.GetAsync("/api/jobs")).StatusCode);

        var limited = await attacker.GetAsync("/api/jobs");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        using (var problem = await ApiTestHost.ProblemAsync(limited))
            Assert.Contains("failed authentications", problem.RootElement.GetProperty("detail").GetString());

        // The same address with a valid key is served as usual, also many times in a row.
        for (var i = 0; i < 3 * FailedAuthentications.PermitLimit; i++)
            Assert.Equal(HttpStatusCode.OK, (await sameAddressValid.GetAsync("/api/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await sameAddressReadOnly.GetAsync("/api/jobs")).StatusCode);
        // Another address has its own count.
        Assert.Equal(HttpStatusCode.Unauthorized, (await neighbour.GetAsync("/api/jobs")).StatusCode);
        // And the limited address stays limited.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await attacker.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Requests_without_a_key_and_successful_ones_are_not_counted()
    {
        await using var host = await ApiTestHost.StartAsync();
        using var anonymous = From(host, "192.0.2.9", null);
        using var valid = From(host, "192.0.2.9", ApiTestHost.FullKey);
        using var wrong = From(host, "192.0.2.9", "wrong");

        for (var i = 0; i < 2 * FailedAuthentications.PermitLimit; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/jobs")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await valid.GetAsync("/api/jobs")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/jobs")).StatusCode);
    }

    [Fact]
    public async Task Dashboard_sign_in_past_ten_wrong_keys_answers_429_and_a_valid_key_still_signs_in()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var browser = host.NewBrowser();
        for (var i = 0; i < FailedAuthentications.PermitLimit; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync($"wrong-{i}")).StatusCode);

        var limited = await browser.SignInAsync("wrong-again");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter?.Delta);
        Assert.Contains("Too many wrong keys from your address.", await limited.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(ApiTestHost.FullKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Wrong_keys_on_the_api_and_the_sign_in_page_share_one_count()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var browser = host.NewBrowser();
        using var api = host.Api.App.GetTestClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        for (var i = 0; i < FailedAuthentications.PermitLimit; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/jobs")).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await browser.SignInAsync("wrong")).StatusCode);
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    public void Clients_are_counted_by_ipv4_address_and_ipv6_network(string address, string client) =>
        Assert.Equal(client, FailedAuthentications.ClientOf(IPAddress.Parse(address)));
}
