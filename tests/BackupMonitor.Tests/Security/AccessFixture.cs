using System.Net.Http.Headers;
using BackupMonitor.Security;
using BackupMonitor.Tests.Api;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Security;

/// <summary>The callers of the access tests: the settings' two keys and database keys of each role and scope.</summary>
public enum Caller { SettingsAdmin, Admin, SettingsViewer, Operator, OperatorAcme, ViewerAcme }

/// <summary>
/// Two companies on a real `serve` host (<see cref="ApiTestHost"/>): ACME (the limited keys' company) and Initech,
/// each with a failing job and a spare one, a destination with a secret and a token in its URL, a route, maintenance
/// windows for ACME, for Initech and for everyone, and the keys of <see cref="Caller"/>.
/// </summary>
public sealed class AccessFixture
{
    public const string Own = "ACME";
    public const string Other = "Initech";
    public const string DestinationSecret = "whsec-never-shown-0123456789";
    public const string UrlToken = "T0KEN-in-the-path-987654321";

    public required ApiTestHost Host { get; init; }
    public required Dictionary<Caller, string> Keys { get; init; }
    public required Dictionary<string, int> Ids { get; init; }

    public static bool IsScoped(Caller caller) => caller is Caller.OperatorAcme or Caller.ViewerAcme;

    public static async Task<AccessFixture> StartAsync()
    {
        var host = await ApiTestHost.StartAsync();
        var ids = new Dictionary<string, int>
        {
            ["own"] = (int)(await host.CreateJobAsync(ApiTestHost.JobBody("sales", Own)))["id"]!,
            ["own_spare"] = (int)(await host.CreateJobAsync(ApiTestHost.JobBody("spare", Own)))["id"]!,
            ["other"] = (int)(await host.CreateJobAsync(ApiTestHost.JobBody("hr", Other, "Nantes")))["id"]!,
            ["other_spare"] = (int)(await host.CreateJobAsync(ApiTestHost.JobBody("payroll", Other, "Nantes")))["id"]!,
        };
        await using (var scope = host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BackupMonitor.Persistence.BackupMonitorDbContext>();
            var failing = new[] { ids["own"], ids["other"] };
            await db.Jobs.Where(j => failing.Contains(j.Id)).ExecuteUpdateAsync(s => s.SetProperty(j => j.CurrentStatus, JobStatus.Failed));
        }
        await host.CliAsync("destinations", "add", "siem", "--kind", "webhook", "--target", $"http://127.0.0.1:9/hooks/{UrlToken}", "--secret", DestinationSecret);
        await host.CliAsync("destinations", "add", "spare", "--kind", "webhook", "--target", $"http://127.0.0.1:9/{UrlToken}/2");
        ids["route"] = int.Parse(await host.CliAsync("routes", "add", "--destination", "siem", "--company", Other));
        ids["window_own"] = int.Parse(await host.CliAsync("maintenance", "add", "--company", Own, "--from", "2030-01-01T00:00:00Z", "--until", "2030-01-02T00:00:00Z"));
        ids["window_other"] = int.Parse(await host.CliAsync("maintenance", "add", "--company", Other, "--from", "2030-01-01T00:00:00Z", "--until", "2030-01-02T00:00:00Z", "--reason", "Initech move"));
        ids["window_all"] = int.Parse(await host.CliAsync("maintenance", "add", "--city", "Paris", "--from", "2030-01-01T00:00:00Z", "--until", "2030-01-02T00:00:00Z"));
        var keys = new Dictionary<Caller, string> { [Caller.SettingsAdmin] = ApiTestHost.FullKey, [Caller.SettingsViewer] = ApiTestHost.ReadKey };
        keys[Caller.Admin] = (await host.CliAsync("keys", "add", "--name", "root", "--role", "admin")).Trim();
        keys[Caller.Operator] = (await host.CliAsync("keys", "add", "--name", "noc", "--role", "operator")).Trim();
        keys[Caller.OperatorAcme] = (await host.CliAsync("keys", "add", "--name", "acme-ops", "--role", "operator", "--company", Own)).Trim();
        keys[Caller.ViewerAcme] = (await host.CliAsync("keys", "add", "--name", "acme-portal", "--role", "viewer", "--company", Own)).Trim();
        await host.CliAsync("keys", "add", "--name", "victim", "--role", "viewer");
        ids["key_victim"] = host.Db(db => db.AccessKeys.Single(k => k.Name == "victim").Id);
        return new AccessFixture { Host = host, Keys = keys, Ids = ids };
    }

    public HttpClient Client(Caller caller)
    {
        var client = Host.App.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Keys[caller]);
        return client;
    }

    /// <summary>Every secret of this estate: no response may contain one (a key made by POST /api/keys excepted, once).</summary>
    public IEnumerable<string> Secrets => Keys.Values.Concat([DestinationSecret, UrlToken]);
}

