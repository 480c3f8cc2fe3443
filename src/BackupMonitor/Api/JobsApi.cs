using System.Text.Json;
using BackupMonitor.Security;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace BackupMonitor.Api;

/// <summary>`/api/jobs`: list, get, entries (viewer, its companies); acknowledge (operator); create, update, deactivate (admin).</summary>
public static class JobsApi
{
    public const int DefaultEntryLimit = 50;
    /// <summary>Without `limit`, one page of the largest size: 1,000 jobs (about 0.5 MB) and a Link while more remain.</summary>
    public const int DefaultJobLimit = NextPageLink.MaxLimit;

    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapGet("", ListAsync).Asks(AccessAction.ReadJobs);
        jobs.MapGet("/{id:int}", GetAsync).AsksForJob(AccessAction.ReadJobs);
        jobs.MapGet("/{id:int}/entries", EntriesAsync).AsksForJob(AccessAction.ReadJobs);
        jobs.MapPost("", CreateAsync).Accepts<JobRequest>("application/json").Asks(AccessAction.WriteJobs);
        jobs.MapPut("/{id:int}", UpdateAsync).Accepts<JobRequest>("application/json").AsksForJob(AccessAction.WriteJobs);
        jobs.MapDelete("/{id:int}", DeactivateAsync).AsksForJob(AccessAction.WriteJobs);
        jobs.MapPost("/{id:int}/ack", AcknowledgeAsync).AsksForJob(AccessAction.Acknowledge);
        jobs.MapDelete("/{id:int}/ack", UnacknowledgeAsync).AsksForJob(AccessAction.Acknowledge);
        return jobs;
    }

    /// <summary>One keyset page (`limit`, else <see cref="DefaultJobLimit"/>) and a Link to the next while more remain.</summary>
    private static async Task<Results<Ok<List<JobView>>, ValidationProblem>> ListAsync(
        string? status, string? company, string? city, string? limit, [FromQuery(Name = "after_id")] string? afterId,
        KeysetPages pages, HttpContext context, TimeProvider time, CancellationToken cancellationToken)
    {
        JobStatus? wanted = null;
        if (status is not null)
        {
            if (!StatusNames.TryParseJobStatus(status, out var parsed))
                return ApiProblems.BadField("status", $"must be one of {string.Join(", ", StatusNames.AllJobStatuses.Select(s => s.ToWire()))}, got '{status}'");
            wanted = parsed;
        }
        if (NextPageLink.TryParse(limit, afterId, DefaultJobLimit, out var size, out var after) is { } bad) return NextPageLink.Problem(bad, limit, afterId);
        try
        {
            var page = await pages.JobsAsync(wanted, company, city, size, after, cancellationToken, context.User.Caller());
            NextPageLink.Add(context, page.NextAfterId);
            var now = time.GetUtcNow().UtcDateTime;
            return TypedResults.Ok(page.Items.Select(j => JobView.Of(j, now)).ToList());
        }
        catch (UnknownCursorException e) { return ApiProblems.BadField("after_id", e.Message); }
    }

    private static async Task<Results<Ok<JobView>, ProblemHttpResult>> GetAsync(int id, JobRegistry registry, TimeProvider time, CancellationToken cancellationToken) =>
        await registry.FindAsync(id, cancellationToken) is { } job ? TypedResults.Ok(JobView.Of(job, time.GetUtcNow().UtcDateTime)) : NoJob(id);

    private static async Task<Results<Ok<List<EntryView>>, ProblemHttpResult, ValidationProblem>> EntriesAsync(
        int id, string? limit, [FromQuery(Name = "after_id")] string? afterId, JobRegistry registry, KeysetPages pages,
        HttpContext context, CancellationToken cancellationToken)
    {
        if (NextPageLink.TryParse(limit, afterId, DefaultEntryLimit, out var size, out var after) is { } bad) return NextPageLink.Problem(bad, limit, afterId);
        if (await registry.FindAsync(id, cancellationToken) is null) return NoJob(id);
        try
        {
            var page = await pages.EntriesAsync(id, size!.Value, after, cancellationToken);
            NextPageLink.Add(context, page.NextAfterId);
            return TypedResults.Ok(page.Items.Select(EntryView.Of).ToList());
        }
        catch (UnknownCursorException e) { return ApiProblems.BadField("after_id", e.Message); }
    }

    private static async Task<Results<Created<JobView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, JobRegistry registry, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadAsync(request, cancellationToken);
        if (problem is not null) return problem;
        try
        {
            var job = await registry.AddAsync(body!.ToNewJob(), cancellationToken);
            return TypedResults.Created($"/api/jobs/{job.Id}", JobView.Of(job, time.GetUtcNow().UtcDateTime));
        }
        catch (JobValidationException e) { return ApiProblems.BadFields(e.Problems); }
        catch (DuplicateJobException e) { return ApiProblems.Conflict(e.Message); }
    }

    private static async Task<Results<Ok<JobView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        int id, HttpRequest request, JobRegistry registry, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadAsync(request, cancellationToken);
        if (problem is not null) return problem;
        try
        {
            return await registry.UpdateAsync(id, body!.ToNewJob(), cancellationToken) is { } job
                ? TypedResults.Ok(JobView.Of(job, time.GetUtcNow().UtcDateTime)) : NoJob(id);
        }
        catch (JobValidationException e) { return ApiProblems.BadFields(e.Problems); }
        catch (DuplicateJobException e) { return ApiProblems.Conflict(e.Message); }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeactivateAsync(int id, JobRegistry registry, CancellationToken cancellationToken) =>
        await registry.DeactivateAsync(id, cancellationToken) ? TypedResults.NoContent() : NoJob(id);

    /// <summary>200 with the job (acknowledged_at_utc set); 409 when the job is not failing.</summary>
    private static async Task<Results<Ok<JobView>, ProblemHttpResult>> AcknowledgeAsync(int id, JobRegistry registry, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            return await registry.AcknowledgeAsync(id, cancellationToken) is { } job ? TypedResults.Ok(JobView.Of(job, time.GetUtcNow().UtcDateTime)) : NoJob(id);
        }
        catch (JobNotFailingException e) { return ApiProblems.Conflict(e.Message); }
    }

    private static async Task<Results<Ok<JobView>, ProblemHttpResult>> UnacknowledgeAsync(int id, JobRegistry registry, TimeProvider time, CancellationToken cancellationToken) =>
        await registry.UnacknowledgeAsync(id, cancellationToken) is { } job ? TypedResults.Ok(JobView.Of(job, time.GetUtcNow().UtcDateTime)) : NoJob(id);

    private static ProblemHttpResult NoJob(int id) => AccessEndpoints.NoJob(id);

    /// <summary>Reads the body ourselves so that a malformed one gets a 400 naming the field, not an empty 400.</summary>
    private static async Task<(JobRequest? Body, ValidationProblem? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType()) return (null, ApiProblems.BadField("body", "must be a JSON object sent with Content-Type: application/json"));
        try
        {
            var body = await JsonSerializer.DeserializeAsync<JobRequest>(request.Body, Json.Options, cancellationToken);
            return body is null ? (null, ApiProblems.BadField("body", "must be a JSON object")) : (body, null);
        }
        catch (JsonException e)
        {
            var field = e.Path is null or "$" ? "body" : e.Path.TrimStart('$', '.');
            return (null, ApiProblems.BadField(field, field == "body" ? "is not a valid JSON object" : "has the wrong type or is malformed JSON"));
        }
    }
}

/// <summary>The body of POST and PUT /api/jobs: the §2 names of what a user chooses for a job.</summary>
public sealed record JobRequest(
    string? CompanyName, string? City, string? Neighborhood, string? DatabaseName,
    int? ExpectedHourUtc, int? ExpectedMinuteUtc, string? AgentIdResponsible = null, int? GraceMinutes = null,
    string? Schedule = null, string? TimeZone = null)
{
    public NewJob ToNewJob() => new(CompanyName, City, Neighborhood, DatabaseName, ExpectedHourUtc, ExpectedMinuteUtc, AgentIdResponsible, GraceMinutes,
        Schedule, TimeZone);
}
