using BackupMonitor.Agents;
using BackupMonitor.Configuration;
using BackupMonitor.Domain;
using BackupMonitor.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Uploads;

/// <summary>
/// `/api/agent/v1/uploads`: the tus 1.0.0 server (SPEC §10). OPTIONS needs no token; creation, HEAD, PATCH and
/// DELETE need the agent's token and reach only its own uploads (another agent's is 404).
/// </summary>
public static class UploadsApi
{
    public const string Path = "/uploads";

    public static void MapUploadsApi(this IEndpointRouteBuilder agent, IEndpointRouteBuilder anonymous)
    {
        anonymous.MapMethods(AgentAuthentication.RoutePrefix + Path, [HttpMethods.Options], (HttpContext context, AgentPushOptions options) =>
        {
            Tus.Stamp(context.Response);
            context.Response.Headers["Tus-Version"] = Tus.Version;
            context.Response.Headers["Tus-Extension"] = Tus.Extensions;
            context.Response.Headers["Tus-Checksum-Algorithm"] = Tus.ChecksumAlgorithms;
            context.Response.Headers["Tus-Max-Size"] = options.UploadMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.NoContent();
        }).AllowAnonymous().WithTags("Agent push");

        var uploads = agent.MapGroup(Path).WithTags("Agent push").AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            Tus.Stamp(context.Response);
            if (context.Request.Headers["Tus-Resumable"].ToString() != Tus.Version)
            {
                context.Response.Headers["Tus-Version"] = Tus.Version;
                return TypedResults.Problem($"Tus-Resumable: this server speaks tus {Tus.Version}; send 'Tus-Resumable: {Tus.Version}'",
                    statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed");
            }
            return await next(invocation);
        });
        uploads.MapPost("", CreateAsync);
        uploads.MapMethods("/{id}", [HttpMethods.Head], HeadAsync);
        uploads.MapPatch("/{id}", (HttpContext context, string id, UploadWriter writer) => writer.PatchAsync(context, AgentAuthentication.AgentOf(context.User), id));
        uploads.MapDelete("/{id}", DeleteAsync);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, UploadStore store, AgentStaging staging, AgentPushOptions options, ILogger<UploadWriter> logger)
    {
        var agentId = AgentAuthentication.AgentOf(context.User);
        var request = context.Request;
        var ct = context.RequestAborted;
        if (request.Headers.ContainsKey("Upload-Defer-Length")) return PushProblems.Bad("Upload-Defer-Length", "not supported: give Upload-Length");
        if (Tus.Number(request, "Upload-Length") is not { } length) return PushProblems.Bad("Upload-Length", "required: the upload's size in bytes, a non-negative integer");
        if (length > options.UploadMaxBytes)
            return TypedResults.Problem($"Upload-Length: {length} bytes is more than AGENT_UPLOAD_MAX_BYTES ({options.UploadMaxBytes})",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "Upload too large");
        if (Tus.Metadata(request.Headers["Upload-Metadata"]) is not { } metadata)
            return PushProblems.Bad("Upload-Metadata", "each pair must be 'key base64(value)' with a UTF-8 value");
        if (!metadata.TryGetValue("filename", out var name))
            return PushProblems.Bad("filename", "required in Upload-Metadata ('filename <base64 of the staged file name>')");
        if (StatusReportParser.PlainFileNameProblem(name) is { } problem) return PushProblems.Bad("filename", $"{problem}, got '{Shorten(name)}'");
        if (StatusReportParser.InProgressSuffix(name) is { } suffix)
            return PushProblems.Bad("filename", $"must not end in '{suffix}' (names of uploads in progress), got '{Shorten(name)}'");

        string folder;
        try
        {
            folder = staging.DatabaseFolder(agentId);
        }
        catch (StagingFolderLinkException e)
        {
            return PushProblems.Conflict(e.Message);
        }
        if (AgentStaging.Taken(System.IO.Path.Combine(folder, name)))
            return PushProblems.Conflict($"filename: '{name}' already exists in the agent's staging folder; nothing is ever overwritten (give the backup another name)");
        if (await store.LiveNameExistsAsync(agentId, name, ct))
            return PushProblems.Conflict($"filename: an upload of '{name}' is already in progress (resume it, or DELETE it first)");
        var free = staging.FreeBytes() - await store.BytesOwedAsync(ct);
        if (free - length < options.StagingMinFreeBytes)
            return TypedResults.Problem(
                $"staging would have {Math.Max(0, free - length)} bytes free after this upload (counting the bytes owed to uploads in progress), less than STAGING_MIN_FREE_BYTES ({options.StagingMinFreeBytes})",
                statusCode: StatusCodes.Status507InsufficientStorage, title: "Insufficient storage");

        var now = store.Now;
        var upload = new AgentUpload { Id = UploadStore.NewId(), AgentId = agentId, FileName = name, Length = length, CreatedAtUtc = now, ExpiresAtUtc = now + options.UploadExpiry };
        if (!await store.TryCreateAsync(upload, ct))
            return PushProblems.Conflict($"filename: an upload of '{name}' is already in progress (resume it, or DELETE it first)");
        try
        {
            // CreateNew never opens what is already there, link or file.
            await using (new FileStream(System.IO.Path.Combine(folder, upload.PartFileName), FileMode.CreateNew, FileAccess.Write)) { }
        }
        catch (IOException e)
        {
            await store.DeleteAsync(upload.Id, CancellationToken.None);
            return PushProblems.Conflict($"filename: cannot create the upload's file: {e.Message}");
        }
        logger.LogInformation("Agent {Agent} began upload {Upload} of {File} ({Length} bytes)", agentId, upload.Id, name, length);
        if (length == 0) await context.RequestServices.GetRequiredService<UploadWriter>().CompleteAsync(upload, folder);
        context.Response.Headers["Upload-Expires"] = Tus.HttpDate(upload.ExpiresAtUtc);
        return TypedResults.Created($"{AgentAuthentication.RoutePrefix}{Path}/{upload.Id}", (object?)null);
    }

    private static async Task<IResult> HeadAsync(HttpContext context, string id, UploadStore store, UploadWriter writer)
    {
        var agentId = AgentAuthentication.AgentOf(context.User);
        var upload = await store.FindAsync(agentId, id, context.RequestAborted);
        if (upload is null) return TypedResults.NotFound();
        // A process that stopped between the last byte and the rename: finish its work now.
        if (upload.CompletedAtUtc is null && upload.Offset == upload.Length) upload = await writer.FinishIfCompleteAsync(upload) ?? upload;
        context.Response.Headers["Upload-Offset"] = upload.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["Upload-Length"] = upload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (upload.CompletedAtUtc is null) context.Response.Headers["Upload-Expires"] = Tus.HttpDate(upload.ExpiresAtUtc);
        return TypedResults.Ok();
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string id, UploadStore store, AgentStaging staging, ILogger<UploadWriter> logger)
    {
        var agentId = AgentAuthentication.AgentOf(context.User);
        var upload = await store.FindAsync(agentId, id, context.RequestAborted);
        if (upload is null || upload.CompletedAtUtc is not null) return TypedResults.NotFound();
        if (!await store.TryHoldAsync(id, context.RequestAborted)) return PushProblems.Locked();
        try
        {
            var part = System.IO.Path.Combine(staging.DatabaseFolder(agentId), upload.PartFileName);
            if (AgentStaging.IsCompleteFile(part)) File.Delete(part);
            await store.DeleteAsync(id, CancellationToken.None);
        }
        finally
        {
            await store.ReleaseAsync(id);
        }
        logger.LogInformation("Agent {Agent} abandoned upload {Upload} of {File}", agentId, id, upload.FileName);
        return TypedResults.NoContent();
    }

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
