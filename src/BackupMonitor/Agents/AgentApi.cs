using BackupMonitor.Contracts;
using BackupMonitor.Persistence;
using BackupMonitor.Reports;
using BackupMonitor.Uploads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Agents;

/// <summary>The agents' own routes besides uploads (SPEC §10): `POST /api/agent/v1/reports` and `GET /api/agent/v1/jobs`.</summary>
public static class AgentApi
{
    public static void MapAgentApi(this IEndpointRouteBuilder agent)
    {
        agent.MapPost("/reports", PostReportAsync).WithTags("Agent push");
        agent.MapGet("/jobs", async (HttpContext context, BackupMonitorDbContext db, TimeProvider time, CancellationToken ct) =>
        {
            var agentId = AgentAuthentication.AgentOf(context.User);
            var jobs = await db.Jobs.AsNoTracking().Where(j => j.IsActive && j.AgentIdResponsible == agentId).OrderBy(j => j.DatabaseName).ToListAsync(ct);
            var now = time.GetUtcNow().UtcDateTime;
            return TypedResults.Ok(jobs.Select(j => JobView.Of(j, now)).ToList());
        }).WithTags("Agent push");
    }

    private static async Task<IResult> PostReportAsync(HttpContext context, PushedReports reports)
    {
        var agentId = AgentAuthentication.AgentOf(context.User);
        if (await ReadAtMostAsync(context.Request.Body, StatusReportParser.MaxReportBytes, context.RequestAborted) is not { } bytes)
            return TypedResults.Problem($"the report is larger than 1 MiB; reports are limited to {StatusReportParser.MaxReportBytes} bytes",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "Report too large");
        try
        {
            return await reports.AcceptAsync(agentId, bytes, context.RequestAborted) switch
            {
                PushedReport.Invalid invalid => Api.ApiProblems.BadFields(invalid.Problems),
                PushedReport.OtherAgent other => TypedResults.Problem(
                    $"agent_id: '{other.AgentId}' is not the agent of this token ('{agentId}'); an agent reports only for itself",
                    statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"),
                PushedReport.AlreadyReceived received => TypedResults.Ok(new { report = received.Name }),
                PushedReport.SameTimestamp same => PushProblems.Conflict(same.Detail),
                PushedReport.FilesIncomplete files => PushProblems.Conflict(string.Join("; ", files.Problems)),
                PushedReport.Accepted accepted => TypedResults.Accepted((string?)null, new { report = accepted.Name }),
                _ => throw new InvalidOperationException("unknown outcome"),
            };
        }
        catch (StagingFolderLinkException e)
        {
            return PushProblems.Conflict(e.Message);
        }
    }

    /// <summary>The body when it has at most <paramref name="limit"/> bytes, else null (read no further than one byte past it).</summary>
    private static async Task<byte[]?> ReadAtMostAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit) return null;
        }
        return buffer.ToArray();
    }
}
