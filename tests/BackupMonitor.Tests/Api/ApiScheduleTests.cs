using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace BackupMonitor.Tests.Api;

/// <summary>POST and PUT /api/jobs with a `schedule` and `time_zone` (SPEC §9): the job as JSON, and 400s naming the field.</summary>
public sealed class ApiScheduleTests
{
    private static object Body(string? schedule, string? zone = null, int? hour = null, int? minute = null, int? grace = null) => new
    {
        company_name = "ACME", city = "Paris", neighborhood = "Centre", database_name = "txlog",
        expected_hour_utc = hour, expected_minute_utc = minute, schedule, time_zone = zone, grace_minutes = grace,
    };

    [Fact]
    public async Task Post_with_a_schedule_answers_the_job_with_its_zone_and_next_expected_time()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero)); // a Friday
        await using var host = await ApiTestHost.StartAsync(time: time);
        var response = await host.Full.PostAsJsonAsync("/api/jobs", Body("0 2 * * 1-5", "Europe/Paris"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var job = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("0 2 * * 1-5", (string?)job["schedule"]);
        Assert.Equal("Europe/Paris", (string?)job["time_zone"]);
        Assert.Null(job["expected_hour_utc"]);
        Assert.Null(job["expected_minute_utc"]);
        Assert.Equal("2026-11-30T01:00:00Z", (string?)job["next_expected_utc"]); // Monday 02:00 in Paris

        var put = await host.Full.PutAsJsonAsync($"/api/jobs/{job["id"]}", Body(null, hour: 4, minute: 15));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var daily = JsonNode.Parse(await put.Content.ReadAsStringAsync())!;
        Assert.Null(daily["schedule"]);
        Assert.Equal("UTC", (string?)daily["time_zone"]);
        Assert.Equal("2026-11-28T04:15:00Z", (string?)daily["next_expected_utc"]);
    }

    [Theory]
    [InlineData("0 2 * * 1-7-", "UTC", null, null, null, "schedule")]
    [InlineData("0 2 * * *", "Nowhere/Land", null, null, null, "time_zone")]
    [InlineData("0 2 30 2 *", null, null, null, null, "schedule")]
    [InlineData("0 2 * * *", null, 2, 0, null, "schedule")]
    [InlineData("0 * * * *", null, null, null, 60, "grace_minutes")]
    public async Task Post_with_a_bad_schedule_is_400_naming_the_field(string schedule, string? zone, int? hour, int? minute, int? grace, string field)
    {
        await using var host = await ApiTestHost.StartAsync();
        var response = await host.Full.PostAsync("/api/jobs",
            new StringContent(System.Text.Json.JsonSerializer.Serialize(Body(schedule, zone, hour, minute, grace)), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = await ApiTestHost.ProblemAsync(response);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out var messages), problem.RootElement.ToString());
        Assert.StartsWith(field + ":", messages[0].GetString());
        Assert.Equal(0, host.Db(db => db.Jobs.Count()));
    }
}
