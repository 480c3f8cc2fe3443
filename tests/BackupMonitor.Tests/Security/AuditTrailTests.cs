using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackupMonitor.Tests.Api;
using BackupMonitor.Tests.Dashboard;
using BackupMonitor.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Tests.Security;

/// <summary>
/// The audit trail (SPEC §11), one test per write path (API, dashboard form, command line): while the database refuses
/// every audit row (a trigger), the change itself is refused too — the two are one transaction — and once it accepts
/// them the event names the actor and masks the secrets. Then `audit list`, `GET /api/audit` and the Audit page.
/// </summary>
public sealed class AuditTrailTests
{
    private const string Secret = "pa55word-never-in-the-audit";
    private const string UrlToken = "T0KEN-in-the-webhook-path-31337";
    private static readonly string Target = $"https://hooks.example.test/services/{UrlToken}?token=query-{UrlToken}";

    /// <summary>From now on the database refuses every new audit row (and so the transaction that writes it).</summary>
    private static void RefuseAudit(DashboardTestHost host) => host.Db(db => db.Database.ExecuteSqlRaw(TestDatabase.IsPostgres
        ? """
          CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$;
          CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_audit();
          """
        : "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit refused by the test'); END;"));

    private static void AcceptAudit(DashboardTestHost host) => host.Db(db => db.Database.ExecuteSqlRaw(TestDatabase.IsPostgres
        ? "DROP TRIGGER refuse_audit ON audit_events; DROP FUNCTION refuse_audit();"
        : "DROP TRIGGER refuse_audit;"));

    /// <summary>The status of a request, or null when the server's failure reached the test client as an exception.</summary>
    private static async Task<HttpStatusCode?> StatusAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await send();
            return response.StatusCode;
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            return null;
        }
    }

    private static void AssertMasked(string? changes)
    {
        Assert.NotNull(changes);
        Assert.DoesNotContain(Secret, changes);
        Assert.DoesNotContain(UrlToken, changes);
        Assert.Contains("hooks.example.test", changes);
        Assert.Contains("(set)", changes);
    }

    [Fact]
    public async Task An_api_change_and_its_event_are_one_transaction_and_the_event_masks_the_webhook_url_and_secret()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var body = new { name = "hook", kind = "webhook", target = Target, secret = Secret };

        RefuseAudit(host);
        var refused = await StatusAsync(() => host.Api.Full.PostAsJsonAsync("/api/destinations", body));
        Assert.True(refused is null || (int)refused >= 500, $"the change went through without its audit event: {refused}");
        Assert.False(host.Db(db => db.Destinations.Any(d => d.Name == "hook")));

        AcceptAudit(host);
        Assert.Equal(HttpStatusCode.Created, (await host.Api.Full.PostAsJsonAsync("/api/destinations", body)).StatusCode);
        var audit = host.Db(db => db.AuditEvents.AsNoTracking().Single(a => a.Action == "destination.add"));
        Assert.Equal(("settings:API_KEYS", "destination:hook"), (audit.Actor, audit.Target));
        AssertMasked(audit.Changes);

        // What GET /api/audit shows is the event as stored: masked.
        var listed = await host.Api.Full.GetStringAsync("/api/audit");
        Assert.Contains("destination.add", listed);
        Assert.DoesNotContain(Secret, listed);
        Assert.DoesNotContain(UrlToken, listed);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Api.Read.GetAsync("/api/audit")).StatusCode);
    }

    [Fact]
    public async Task A_dashboard_form_and_its_event_are_one_transaction_and_the_event_names_the_key()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var job = DashboardSeed.Job("ACME", "Paris", "Centre", "sales", JobStatus.Failed);
        await host.SeedAsync(db => { db.Jobs.Add(job); return Task.CompletedTask; });
        var key = (await host.Api.CliAsync("keys", "add", "--name", "night-shift", "--role", "operator", "--company", "ACME")).Trim();
        var browser = await host.SignedInAsync(key);

        RefuseAudit(host);
        var refused = await StatusAsync(() => browser.PostAsync($"/jobs/{job.Id}?handler=Acknowledge", tokenFrom: $"/jobs/{job.Id}"));
        Assert.True(refused is null || (int)refused >= 500, $"the acknowledgement went through without its audit event: {refused}");
        Assert.Null(host.Db(db => db.Jobs.Single(j => j.Id == job.Id).AcknowledgedAtUtc));

        AcceptAudit(host);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync($"/jobs/{job.Id}?handler=Acknowledge", tokenFrom: $"/jobs/{job.Id}")).StatusCode);
        var acknowledged = host.Db(db => db.Jobs.Single(j => j.Id == job.Id).AcknowledgedAtUtc);
        Assert.NotNull(acknowledged);
        var audit = host.Db(db => db.AuditEvents.AsNoTracking().Single(a => a.Action == "job.ack"));
        Assert.Equal(("key:night-shift", $"job:{job.Id}"), (audit.Actor, audit.Target));
        Assert.Equal(acknowledged, JsonDocument.Parse(audit.Changes!).RootElement.GetProperty("acknowledged_at_utc").GetDateTime());
        // The key that made it is in no event (nor is any other).
        Assert.DoesNotContain(host.Db(db => db.AuditEvents.AsNoTracking().ToList()), a => $"{a.Target} {a.Changes}".Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_command_line_change_and_its_event_are_one_transaction_masked_and_listed_by_audit_list_and_the_audit_page()
    {
        await using var host = await DashboardTestHost.StartAsync();
        string[] add = ["destinations", "add", "hook", "--kind", "webhook", "--target", Target, "--secret", Secret];

        RefuseAudit(host);
        using (var cli = new CliHarness(host.Api.SettingValues, host.Time))
        {
            var run = await cli.RunAsync(add);
            Assert.NotEqual(0, run.ExitCode);
        }
        Assert.False(host.Db(db => db.Destinations.Any(d => d.Name == "hook")));

        AcceptAudit(host);
        await host.Api.CliAsync(add);
        var key = (await host.Api.CliAsync("keys", "add", "--name", "portal", "--role", "viewer", "--company", "ACME")).Trim();
        var audit = host.Db(db => db.AuditEvents.AsNoTracking().Single(a => a.Action == "destination.add"));
        Assert.Equal(("cli", "destination:hook"), (audit.Actor, audit.Target));
        AssertMasked(audit.Changes);

        // audit list: newest first, filtered by actor; the key made by `keys add` is in no event.
        var events = JsonDocument.Parse(await host.Api.CliAsync("audit", "list", "--actor", "cli", "--format", "json")).RootElement.EnumerateArray().ToList();
        Assert.Equal(["key.add", "destination.add"], events.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(["ACME"], events[0].GetProperty("changes").GetProperty("companies").EnumerateArray().Select(c => c.GetString()));
        var text = await host.Api.CliAsync("audit", "list");
        foreach (var secret in new[] { Secret, UrlToken, key }) Assert.DoesNotContain(secret, text);
        Assert.Empty(JsonDocument.Parse(await host.Api.CliAsync("audit", "list", "--actor", "key:nobody", "--format", "json")).RootElement.EnumerateArray());

        // The Audit page: for admins only, masked as well.
        var page = WebUtility.HtmlDecode(await (await host.SignedInAsync(ApiTestHost.FullKey)).PageAsync("/audit"));
        Assert.Contains("destination:hook", page);
        foreach (var secret in new[] { Secret, UrlToken, key }) Assert.DoesNotContain(secret, page);
        var reader = await host.SignedInAsync(ApiTestHost.ReadKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/audit")).StatusCode);
    }
}
