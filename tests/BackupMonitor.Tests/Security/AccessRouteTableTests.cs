using System.Net;
using System.Text;
using static BackupMonitor.Tests.Security.Caller;

namespace BackupMonitor.Tests.Security;

/// <summary>
/// Every API route with every role and scope on a real `serve` host (SPEC §9, §11): one row per route, the expected
/// status for each caller. Rows run in order on one host per caller (writes aimed at their own spare rows), and
/// every answer is checked for secrets, and a limited key's for the other company's name.
/// </summary>
public sealed class AccessRouteTableTests
{
    /// <summary>Expected statuses in the order of <see cref="Caller"/>: SettingsAdmin, Admin, SettingsViewer, Operator, OperatorAcme, ViewerAcme.</summary>
    private sealed record Row(string Method, string Path, string? Body, params int[] Expected);

    private static readonly Row[] Table =
    [
        new("GET", "/api/jobs", null, 200, 200, 200, 200, 200, 200),
        new("GET", "/api/jobs?company=Initech", null, 200, 200, 200, 200, 200, 200),
        new("GET", "/api/jobs/{own}", null, 200, 200, 200, 200, 200, 200),
        new("GET", "/api/jobs/{other}", null, 200, 200, 200, 200, 404, 404),
        new("GET", "/api/jobs/999999", null, 404, 404, 404, 404, 404, 404),
        new("GET", "/api/jobs/{own}/entries", null, 200, 200, 200, 200, 200, 200),
        new("GET", "/api/jobs/{other}/entries", null, 200, 200, 200, 200, 404, 404),
        new("POST", "/api/jobs", """{"company_name":"ACME","city":"Lyon","neighborhood":"Gare","database_name":"new","expected_hour_utc":2,"expected_minute_utc":0}""", 201, 201, 403, 403, 403, 403),
        new("PUT", "/api/jobs/{own_spare}", """{"company_name":"ACME","city":"Paris","neighborhood":"Centre","database_name":"spare","expected_hour_utc":3,"expected_minute_utc":0}""", 200, 200, 403, 403, 403, 403),
        new("PUT", "/api/jobs/{other_spare}", """{"company_name":"Initech","city":"Nantes","neighborhood":"Centre","database_name":"payroll","expected_hour_utc":3,"expected_minute_utc":0}""", 200, 200, 403, 403, 404, 404),
        new("POST", "/api/jobs/{own}/ack", null, 200, 200, 403, 200, 200, 403),
        new("POST", "/api/jobs/{other}/ack", null, 200, 200, 403, 200, 404, 404),
        new("DELETE", "/api/jobs/{own}/ack", null, 200, 200, 403, 200, 200, 403),
        new("DELETE", "/api/jobs/{other}/ack", null, 200, 200, 403, 200, 404, 404),
        new("POST", "/api/jobs/999999/ack", null, 404, 404, 403, 404, 404, 404),
        new("GET", "/api/notifications", null, 200, 200, 200, 200, 200, 200),
        new("GET", "/api/maintenance", null, 200, 200, 200, 200, 200, 200),
        new("POST", "/api/maintenance", """{"company":"ACME","from":"2030-02-01T00:00:00Z","until":"2030-02-02T00:00:00Z"}""", 201, 201, 403, 201, 201, 403),
        new("POST", "/api/maintenance", """{"city":"Paris","from":"2030-02-01T00:00:00Z","until":"2030-02-02T00:00:00Z"}""", 201, 201, 403, 201, 403, 403),
        new("POST", "/api/maintenance", """{"company":"ACME*","from":"2030-02-01T00:00:00Z","until":"2030-02-02T00:00:00Z"}""", 201, 201, 403, 201, 403, 403),
        new("DELETE", "/api/maintenance/{window_other}", null, 204, 204, 403, 204, 403, 403),
        new("DELETE", "/api/maintenance/{window_all}", null, 204, 204, 403, 204, 403, 403),
        new("DELETE", "/api/maintenance/{window_own}", null, 204, 204, 403, 204, 204, 403),
        new("POST", "/api/scans", null, 200, 200, 403, 200, 200, 403),
        new("GET", "/api/destinations", null, 200, 200, 403, 403, 403, 403),
        new("POST", "/api/destinations", """{"name":"new","kind":"slack","target":"https://hooks.slack.test/services/T0KEN-in-the-path-987654321"}""", 201, 201, 403, 403, 403, 403),
        new("POST", "/api/destinations/siem/test", null, 200, 200, 403, 403, 403, 403),
        new("DELETE", "/api/destinations/spare", null, 204, 204, 403, 403, 403, 403),
        new("GET", "/api/routes", null, 200, 200, 403, 403, 403, 403),
        new("POST", "/api/routes", """{"destination":"siem","company":"ACME"}""", 201, 201, 403, 403, 403, 403),
        new("DELETE", "/api/routes/{route}", null, 204, 204, 403, 403, 403, 403),
        new("GET", "/api/keys", null, 200, 200, 403, 403, 403, 403),
        new("POST", "/api/keys", """{"name":"made","role":"viewer","companies":["ACME"]}""", 201, 201, 403, 403, 403, 403),
        new("POST", "/api/keys", """{"name":"bad-admin","role":"admin","companies":["ACME"]}""", 400, 400, 403, 403, 403, 403),
        new("DELETE", "/api/keys/{key_victim}", null, 204, 204, 403, 403, 403, 403),
        new("GET", "/api/audit", null, 200, 200, 403, 403, 403, 403),
        new("GET", "/metrics", null, 200, 200, 200, 200, 403, 403),
        new("GET", "/api/drills", null, 200, 200, 200, 200, 200, 200),
        new("GET", "/api/drills/999999", null, 404, 404, 404, 404, 404, 404),
        new("GET", "/api/jobs/{own}/drills", null, 200, 200, 200, 200, 200, 200),
        new("GET", "/api/jobs/{other}/drills", null, 200, 200, 200, 200, 404, 404),
        // No validated backup to drill: 409 once the decision allows.
        new("POST", "/api/jobs/{own}/drills", null, 409, 409, 403, 409, 409, 403),
        new("POST", "/api/jobs/{other}/drills", null, 409, 409, 403, 409, 404, 404),
        new("GET", "/api/retention/plan", null, 200, 200, 200, 200, 200, 200),
        new("GET", "/api/retention/plan?job={own}", null, 200, 200, 200, 200, 200, 200),
        new("GET", "/api/retention/plan?job={other}", null, 200, 200, 200, 200, 404, 404),
        new("GET", "/api/retention/plan?job=999999", null, 404, 404, 404, 404, 404, 404),
        new("GET", "/api/retention/plan?company=Initech", null, 200, 200, 200, 200, 200, 200),
        // This month's report names every company the key sees (its jobs were registered this month), and only those.
        new("GET", "/api/reports/compliance?month={month}", null, 200, 200, 200, 200, 200, 200),
        new("GET", "/api/reports/compliance?month={month}&company=Initech", null, 200, 200, 200, 200, 200, 200),
        new("GET", "/api/agents", null, 200, 200, 403, 403, 403, 403),
        new("POST", "/api/agents", """{"agent_id":"new-agent"}""", 201, 201, 403, 403, 403, 403),
        new("POST", "/api/agents/new-agent/rotate", null, 200, 200, 403, 403, 403, 403),
        new("DELETE", "/api/agents/new-agent", null, 204, 204, 403, 403, 403, 403),
        new("DELETE", "/api/jobs/{other_spare}", null, 204, 204, 403, 403, 404, 404),
        new("DELETE", "/api/jobs/{own_spare}", null, 204, 204, 403, 403, 403, 403),
    ];

    public static TheoryData<Caller> Callers() => new(Enum.GetValues<Caller>());

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Every_route_answers_each_role_and_scope_as_the_SPEC_says_and_never_shows_a_secret(Caller caller)
    {
        var fixture = await AccessFixture.StartAsync();
        await using var _ = fixture.Host;
        using var client = fixture.Client(caller);
        var problems = new List<string>();
        foreach (var row in Table)
        {
            var path = fixture.Ids.Aggregate(row.Path, (p, id) => p.Replace($"{{{id.Key}}}", id.Value.ToString()))
                .Replace("{month}", fixture.Host.Now.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));
            using var request = new HttpRequestMessage(new HttpMethod(row.Method), path);
            if (row.Body is not null) request.Content = new StringContent(row.Body, Encoding.UTF8, "application/json");
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync() + string.Join('\n', response.Headers.Select(h => $"{h.Key}: {string.Join(',', h.Value)}"));
            var expected = row.Expected[(int)caller];
            if ((int)response.StatusCode != expected) problems.Add($"{row.Method} {row.Path}: expected {expected}, got {(int)response.StatusCode} {text}");
            foreach (var secret in fixture.Secrets.Where(s => text.Contains(s, StringComparison.Ordinal)))
                problems.Add($"{row.Method} {row.Path}: shows a secret ({secret[..6]}…)");
            if (AccessFixture.IsScoped(caller) && text.Contains(AccessFixture.Other, StringComparison.Ordinal))
                problems.Add($"{row.Method} {row.Path}: a key limited to {AccessFixture.Own} sees the name {AccessFixture.Other}: {text}");
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public async Task Another_companys_job_and_an_unknown_id_get_the_same_answer_and_so_do_their_cursors()
    {
        var fixture = await AccessFixture.StartAsync();
        await using var _ = fixture.Host;
        using var viewer = fixture.Client(ViewerAcme);
        async Task<(HttpStatusCode, string)> Answer(string path)
        {
            using var response = await viewer.GetAsync(path);
            var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            body.Remove("traceId"); // differs per request
            body.Remove("trace_id");
            var id = path.Split('/', '?', '=').Last(p => p.Length > 0 && char.IsDigit(p[0]));
            return (response.StatusCode, body.ToJsonString().Replace($"id {id}", "id ID").Replace($"'{id}'", "'ID'"));
        }
        var other = fixture.Ids["other"];
        var (unknownStatus, unknownBody) = await Answer("/api/jobs/999999");
        var (otherStatus, otherBody) = await Answer($"/api/jobs/{other}");
        Assert.Equal(unknownStatus, otherStatus);
        Assert.Equal(unknownBody, otherBody);
        var (status, _) = await Answer($"/api/jobs?after_id={other}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(await Answer("/api/jobs?after_id=999999"), await Answer($"/api/jobs?after_id={other}"));
        Assert.Equal(await Answer("/api/jobs/999999/entries"), await Answer($"/api/jobs/{other}/entries"));
    }

    [Fact]
    public async Task A_report_names_the_companies_of_the_key_only_in_json_csv_and_on_the_dashboard()
    {
        var fixture = await AccessFixture.StartAsync();
        await using var _ = fixture.Host;
        var month = fixture.Host.Now.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        List<string> Companies(string json) =>
            System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("companies").EnumerateArray().Select(c => c.GetProperty("company").GetString()!).ToList();
        using var admin = fixture.Client(Admin);
        using var viewer = fixture.Client(ViewerAcme);
        Assert.Equal([AccessFixture.Own, AccessFixture.Other], Companies(await admin.GetStringAsync($"/api/reports/compliance?month={month}")).Order());
        Assert.Equal([AccessFixture.Own], Companies(await viewer.GetStringAsync($"/api/reports/compliance?month={month}")));
        Assert.Empty(Companies(await viewer.GetStringAsync($"/api/reports/compliance?month={month}&company={AccessFixture.Other}")));
        using var csv = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/compliance?month={month}");
        csv.Headers.Accept.ParseAdd("text/csv");
        var text = await (await viewer.SendAsync(csv)).Content.ReadAsStringAsync();
        Assert.Contains(AccessFixture.Own, text);
        Assert.DoesNotContain(AccessFixture.Other, text);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_on_its_next_request_and_an_unknown_one_always()
    {
        var fixture = await AccessFixture.StartAsync();
        await using var _ = fixture.Host;
        using var viewer = fixture.Client(ViewerAcme);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/jobs")).StatusCode);
        var id = fixture.Host.Db(db => db.AccessKeys.Single(k => k.Name == "acme-portal").Id);
        await fixture.Host.CliAsync("keys", "revoke", id.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync("/api/jobs")).StatusCode);
        Assert.NotNull(fixture.Host.Db(db => db.AccessKeys.Single(k => k.Id == id).LastUsedAtUtc));
    }

    [Fact]
    public async Task The_OpenAPI_document_names_the_role_each_operation_needs()
    {
        var fixture = await AccessFixture.StartAsync();
        await using var _ = fixture.Host;
        var document = System.Text.Json.Nodes.JsonNode.Parse(await fixture.Host.Anonymous.GetStringAsync("/openapi/v1.json"))!;
        string? Role(string path, string method) => document["paths"]?[path]?[method]?["x-required-role"]?.GetValue<string>();
        Assert.Equal("viewer", Role("/api/jobs", "get"));
        Assert.Equal("operator", Role("/api/jobs/{id}/ack", "post"));
        Assert.Equal("admin", Role("/api/jobs", "post"));
        Assert.Equal("admin", Role("/api/keys", "get"));
        Assert.Equal("admin", Role("/api/audit", "get"));
        Assert.Equal("operator", Role("/api/maintenance", "post"));
        Assert.Equal("viewer", Role("/api/retention/plan", "get"));
        Assert.Equal("viewer", Role("/api/reports/compliance", "get"));
        Assert.Equal("operator", Role("/api/jobs/{id}/drills", "post"));
        Assert.Equal("admin", Role("/api/agents", "post"));
        Assert.NotNull(document["components"]?["securitySchemes"]?["Bearer"]);
        foreach (var (path, item) in document["paths"]!.AsObject())
            // The agents' routes have their own token scheme (SPEC §10), not a role.
            if (path.StartsWith("/api/", StringComparison.Ordinal) && !path.StartsWith("/api/agent/v1", StringComparison.Ordinal))
                foreach (var (method, operation) in item!.AsObject())
                    Assert.True(operation?["x-required-role"] is not null, $"{method} {path} names no role");
    }
}
