using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackupMonitor.Tests.Api;

public sealed class ApiJobsTests
{
    [Fact]
    public async Task Post_creates_a_job_answering_201_with_location_and_the_job()
    {
        await using var host = await ApiTestHost.StartAsync();
        var response = await host.Full.PostAsJsonAsync("/api/jobs", ApiTestHost.JobBody(hour: 2, minute: 30));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var job = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal($"/api/jobs/{job["id"]}", response.Headers.Location!.OriginalString);
        Assert.Equal("ACME_Paris_Centre", (string?)job["agent_id_responsible"]);
        Assert.Equal("unknown", (string?)job["current_status"]);
        Assert.Equal(2, (int?)job["expected_hour_utc"]);
        var fetched = await host.Read.GetStringAsync(response.Headers.Location);
        Assert.Equal(job.ToJsonString(), JsonNode.Parse(fetched)!.ToJsonString());
    }

    [Fact]
    public async Task Post_of_an_existing_agent_and_database_is_409()
    {
        await using var host = await ApiTestHost.StartAsync();
        var first = await host.CreateJobAsync(ApiTestHost.JobBody());
        var response = await host.Full.PostAsJsonAsync("/api/jobs", ApiTestHost.JobBody(hour: 5));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        using var problem = await ApiTestHost.ProblemAsync(response);
        Assert.Contains($"agent 'ACME_Paris_Centre' and database 'sales' already have job {first["id"]}", problem.RootElement.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("""{"company_name":"ACME","city":"Paris","neighborhood":"Centre","database_name":"sales","expected_hour_utc":24,"expected_minute_utc":0}""", "expected_hour_utc")]
    [InlineData("""{"company_name":"ACME","city":"Paris","neighborhood":"Centre","database_name":"sales","expected_hour_utc":2}""", "expected_minute_utc")]
    [InlineData("""{"company_name":"","city":"Paris","neighborhood":"Centre","database_name":"sales","expected_hour_utc":2,"expected_minute_utc":0}""", "company_name")]
    [InlineData("""{"company_name":"ACME","city":"Paris","neighborhood":"Centre","database_name":"../etc","expected_hour_utc":2,"expected_minute_utc":0}""", "database_name")]
    [InlineData("""{"company_name":"ACME","city":"Paris","neighborhood":"Centre","database_name":"sales","expected_hour_utc":2,"expected_minute_utc":0,"grace_minutes":721}""", "grace_minutes")]
    [InlineData("""{"company_name":"ACME","city":"Paris","neighborhood":"Centre","database_name":"sales","expected_hour_utc":"two","expected_minute_utc":0}""", "expected_hour_utc")]
    [InlineData("""{"company_name":"ACME","city":"Paris",""", "body")]
    [InlineData("""[1,2]""", "body")]
    [InlineData("""null""", "body")]
    public async Task Post_with_a_bad_body_is_400_naming_the_field(string body, string field)
    {
        await using var host = await ApiTestHost.StartAsync();
        var response = await host.Full.PostAsync("/api/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await ApiTestHost.ProblemAsync(response);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out var messages), problem.RootElement.ToString());
        Assert.StartsWith(field + ":", messages[0].GetString());
        Assert.Equal(0, host.Db(db => db.Jobs.Count()));
    }

    [Fact]
    public async Task Post_without_a_json_content_type_is_415_problem()
    {
        await using var host = await ApiTestHost.StartAsync();
        var response = await host.Full.PostAsync("/api/jobs", new StringContent("company_name=ACME", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        (await ApiTestHost.ProblemAsync(response)).Dispose();
        Assert.Equal(0, host.Db(db => db.Jobs.Count()));
    }

    [Fact]
    public async Task Put_replaces_the_chosen_fields_and_keeps_the_rest()
    {
        await using var host = await ApiTestHost.StartAsync();
        var job = await host.CreateJobAsync(ApiTestHost.JobBody());
        var response = await host.Full.PutAsJsonAsync($"/api/jobs/{job["id"]}", new
        {
            company_name = "ACME", city = "Paris", neighborhood = "Centre", database_name = "sales",
            expected_hour_utc = 4, expected_minute_utc = 45, agent_id_responsible = "acme-paris-1", grace_minutes = (int?)null,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var updated = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal((int?)job["id"], (int?)updated["id"]);
        Assert.Equal(4, (int?)updated["expected_hour_utc"]);
        Assert.Equal(45, (int?)updated["expected_minute_utc"]);
        Assert.Equal("acme-paris-1", (string?)updated["agent_id_responsible"]);
        Assert.Null(updated["grace_minutes"]);
        Assert.Equal((string?)job["created_at_utc"], (string?)updated["created_at_utc"]);
        Assert.Equal(updated.ToJsonString(), JsonNode.Parse(await host.Read.GetStringAsync($"/api/jobs/{job["id"]}"))!.ToJsonString());
    }

    [Fact]
    public async Task Put_onto_another_jobs_agent_and_database_is_409_and_its_own_is_fine()
    {
        await using var host = await ApiTestHost.StartAsync();
        var sales = await host.CreateJobAsync(ApiTestHost.JobBody("sales"));
        var hr = await host.CreateJobAsync(ApiTestHost.JobBody("hr"));
        var response = await host.Full.PutAsJsonAsync($"/api/jobs/{hr["id"]}", ApiTestHost.JobBody("sales"));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        using var problem = await ApiTestHost.ProblemAsync(response);
        Assert.Contains($"already have job {sales["id"]}", problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await host.Full.PutAsJsonAsync($"/api/jobs/{hr["id"]}", ApiTestHost.JobBody("hr", hour: 7))).StatusCode);
    }

    [Fact]
    public async Task Put_with_a_bad_field_is_400_naming_it()
    {
        await using var host = await ApiTestHost.StartAsync();
        var job = await host.CreateJobAsync(ApiTestHost.JobBody());
        var response = await host.Full.PutAsJsonAsync($"/api/jobs/{job["id"]}", ApiTestHost.JobBody(minute: 60));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await ApiTestHost.ProblemAsync(response);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("expected_minute_utc", out _));
    }

    [Theory]
    [InlineData("GET", "/api/jobs/999")]
    [InlineData("GET", "/api/jobs/999/entries")]
    [InlineData("PUT", "/api/jobs/999")]
    [InlineData("DELETE", "/api/jobs/999")]
    public async Task An_unknown_id_is_404_problem(string method, string path)
    {
        await using var host = await ApiTestHost.StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "PUT") request.Content = JsonContent.Create(ApiTestHost.JobBody());
        var response = await host.Full.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var problem = await ApiTestHost.ProblemAsync(response);
        Assert.Equal("no job with id 999", problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Delete_deactivates_with_204_and_keeps_the_job()
    {
        await using var host = await ApiTestHost.StartAsync();
        var job = await host.CreateJobAsync(ApiTestHost.JobBody());
        var response = await host.Full.DeleteAsync($"/api/jobs/{job["id"]}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("[]", JsonNode.Parse(await host.Read.GetStringAsync("/api/jobs"))!.ToJsonString());
        var kept = JsonNode.Parse(await host.Read.GetStringAsync($"/api/jobs/{job["id"]}"))!;
        Assert.False((bool)kept["is_active"]!);
    }

    [Fact]
    public async Task List_filters_by_status_company_and_city()
    {
        await using var host = await ApiTestHost.StartAsync();
        await host.CreateJobAsync(ApiTestHost.JobBody("sales", "ACME", "Paris"));
        await host.CreateJobAsync(ApiTestHost.JobBody("crm", "ACME", "Lyon"));
        await host.CreateJobAsync(ApiTestHost.JobBody("erp", "Globex", "Paris"));

        async Task<string[]> Databases(string query) =>
            JsonNode.Parse(await host.Read.GetStringAsync("/api/jobs" + query))!.AsArray().Select(j => (string)j!["database_name"]!).Order().ToArray();

        Assert.Equal(["crm", "erp", "sales"], await Databases(""));
        Assert.Equal(["crm", "sales"], await Databases("?company=ACME"));
        Assert.Equal(["erp", "sales"], await Databases("?city=Paris"));
        Assert.Equal(["sales"], await Databases("?company=ACME&city=Paris"));
        Assert.Equal(["crm", "erp", "sales"], await Databases("?status=unknown"));
        Assert.Empty(await Databases("?status=ok"));
    }

    [Theory]
    [InlineData("/api/jobs?status=broken", "status")]
    [InlineData("/api/jobs/{id}/entries?limit=0", "limit")]
    [InlineData("/api/jobs/{id}/entries?limit=ten", "limit")]
    [InlineData("/api/jobs/{id}/entries?limit=1001", "limit")]
    [InlineData("/api/notifications?state=lost", "state")]
    public async Task A_bad_query_value_is_400_naming_it(string path, string parameter)
    {
        await using var host = await ApiTestHost.StartAsync();
        var job = await host.CreateJobAsync(ApiTestHost.JobBody());
        var response = await host.Read.GetAsync(path.Replace("{id}", job["id"]!.ToString()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = await ApiTestHost.ProblemAsync(response);
        Assert.StartsWith(parameter + ": must be", problem.RootElement.GetProperty("errors").GetProperty(parameter)[0].GetString());
    }

    [Fact]
    public async Task Jobs_json_is_exactly_the_clis()
    {
        await using var host = await ApiTestHost.StartAsync();
        await host.CreateJobAsync(ApiTestHost.JobBody("sales"));
        await host.CreateJobAsync(ApiTestHost.JobBody("hr"));
        var api = await host.Read.GetStringAsync("/api/jobs");
        var cli = await host.CliAsync("jobs", "list", "--format", "json");
        Assert.Equal(cli.Trim(), api.Trim());
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(api).RootElement.ValueKind);
    }
}
