using System.Buffers;
using BackupMonitor.Agents;
using BackupMonitor.Configuration;
using BackupMonitor.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Uploads;

/// <summary>
/// A tus PATCH (SPEC §10): holds the upload, checks the offset against the database's, cuts a longer `.part` back to
/// it, streams the request's bytes to the end of the `.part` (1 MiB at a time, never the whole upload in memory),
/// drops them on a checksum mismatch, flushes, then records the new offset; the last byte renames the file.
/// </summary>
public sealed class UploadWriter(UploadStore store, AgentStaging staging, AgentPushOptions options, ILogger<UploadWriter> logger)
{
    private const int BufferSize = 1 << 20;
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(30);

    public async Task<IResult> PatchAsync(HttpContext context, string agentId, string id)
    {
        var request = context.Request;
        if (!string.Equals(request.ContentType, Tus.OffsetContentType, StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem($"Content-Type: must be {Tus.OffsetContentType}", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        if (Tus.Number(request, "Upload-Offset") is not { } offset) return PushProblems.Bad("Upload-Offset", "required: a non-negative integer");
        var (checksum, checksumProblem) = Tus.ParseChecksum(request.Headers["Upload-Checksum"]);
        if (checksumProblem is not null) return PushProblems.Bad("Upload-Checksum", checksumProblem);

        var upload = await store.FindAsync(agentId, id, context.RequestAborted);
        if (upload is null) return TypedResults.NotFound();
        if (!await store.TryHoldAsync(id, context.RequestAborted)) return PushProblems.Locked();
        try
        {
            // Read again under the hold: the offset another process may have moved is the one that counts.
            upload = await store.FindAsync(agentId, id, CancellationToken.None);
            if (upload is null) return TypedResults.NotFound();
            if (offset != upload.Offset || upload.CompletedAtUtc is not null) return OffsetConflict(context, upload);
            if (request.ContentLength is { } declared && declared > upload.Length - upload.Offset) return TooLong(upload);
            return await AppendAsync(context, upload, checksum);
        }
        catch (StagingFolderLinkException e)
        {
            return PushProblems.Conflict(e.Message);
        }
        finally
        {
            await store.ReleaseAsync(id);
        }
    }

    private async Task<IResult> AppendAsync(HttpContext context, AgentUpload upload, Tus.Checksum? checksum)
    {
        var folder = staging.DatabaseFolder(upload.AgentId);
        var part = Path.Combine(folder, upload.PartFileName);
        if (new FileInfo(part) is var info && Files.FileLinks.TargetOf(info) is not null) return PushProblems.Conflict($"'{upload.PartFileName}' is a symbolic link; links under staging are never followed");
        var start = upload.Offset;
        var written = 0L;
        var tooLong = false;
        var cutShort = false;
        using var hash = checksum?.NewHash();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var file = new FileStream(part, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            if (file.Length < start)
            {
                // Bytes the database counts are gone (the .part was removed): start again from what is there.
                logger.LogWarning("Upload {Upload}: its file holds {Bytes} bytes, fewer than the {Offset} recorded; the offset goes back", upload.Id, file.Length, start);
                await store.SetOffsetAsync(upload.Id, file.Length, upload.ExpiresAtUtc, CancellationToken.None);
                upload.Offset = file.Length;
                return OffsetConflict(context, upload);
            }
            // The database's offset is the truth: bytes past it were written by a writer that died before recording them.
            if (file.Length > start) file.SetLength(start);
            file.Position = start;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;

            var room = upload.Length - start;
            var renewAt = store.Now + RenewEvery;
            try
            {
                while (true)
                {
                    var filled = await FillAsync(context.Request.Body, buffer, context.RequestAborted);
                    if (filled == 0) break;
                    if (written + filled > room) { tooLong = true; break; }
                    hash?.AppendData(buffer, 0, filled);
                    await file.WriteAsync(buffer.AsMemory(0, filled), CancellationToken.None);
                    written += filled;
                    if (store.Now >= renewAt)
                    {
                        await store.RenewHoldAsync(upload.Id, CancellationToken.None);
                        renewAt = store.Now + RenewEvery;
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
            {
                // The client went away mid-request: what arrived is kept (unless a checksum was to vouch for it).
                cutShort = true;
            }

            var mismatch = checksum is not null && !cutShort && !tooLong && !hash!.GetHashAndReset().AsSpan().SequenceEqual(checksum.Expected);
            if (tooLong || mismatch || (cutShort && checksum is not null))
            {
                file.SetLength(start);
                if (tooLong) return TooLong(upload);
                if (mismatch)
                    return TypedResults.Problem($"Upload-Checksum: the {checksum!.Algorithm} of this request's {written} bytes does not match; they were not kept",
                        statusCode: Tus.ChecksumMismatch, title: "Checksum mismatch");
                return TypedResults.Empty;
            }
            file.Flush(flushToDisk: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        upload.Offset = start + written;
        upload.ExpiresAtUtc = store.Now + options.UploadExpiry;
        await store.SetOffsetAsync(upload.Id, upload.Offset, upload.ExpiresAtUtc, CancellationToken.None);
        if (upload.Offset == upload.Length) await CompleteAsync(upload, folder);
        context.Response.Headers["Upload-Offset"] = upload.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["Upload-Expires"] = Tus.HttpDate(upload.ExpiresAtUtc);
        return TypedResults.NoContent();
    }

    /// <summary>Renames a complete upload's `.part` to its name (never over an existing file) and records it complete.</summary>
    public async Task CompleteAsync(AgentUpload upload, string folder)
    {
        var part = Path.Combine(folder, upload.PartFileName);
        var final = Path.Combine(folder, upload.FileName);
        if (AgentStaging.IsCompleteFile(part))
        {
            if (AgentStaging.Taken(final))
            {
                logger.LogWarning("Upload {Upload} of agent {Agent} is complete but '{File}' appeared meanwhile; the upload stays as '{Part}' until it expires",
                    upload.Id, upload.AgentId, upload.FileName, upload.PartFileName);
                return;
            }
            File.Move(part, final, overwrite: false);
        }
        else if (!AgentStaging.IsCompleteFile(final)) return;
        await store.MarkCompletedAsync(upload.Id, CancellationToken.None);
        upload.CompletedAtUtc = store.Now;
        logger.LogInformation("Agent {Agent} completed upload {Upload}: {File} ({Length} bytes)", upload.AgentId, upload.Id, upload.FileName, upload.Length);
    }

    /// <summary>Finishes an upload whose last bytes were recorded but whose rename did not happen (its process stopped).</summary>
    public async Task<AgentUpload?> FinishIfCompleteAsync(AgentUpload upload)
    {
        if (!await store.TryHoldAsync(upload.Id, CancellationToken.None)) return null;
        try
        {
            await CompleteAsync(upload, staging.DatabaseFolder(upload.AgentId));
            return upload;
        }
        finally
        {
            await store.ReleaseAsync(upload.Id);
        }
    }

    private static async Task<int> FillAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < BufferSize)
        {
            var read = await body.ReadAsync(buffer.AsMemory(filled, BufferSize - filled), cancellationToken);
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }

    private static IResult OffsetConflict(HttpContext context, AgentUpload upload)
    {
        context.Response.Headers["Upload-Offset"] = upload.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return PushProblems.Conflict($"Upload-Offset: the upload is at {upload.Offset}{(upload.CompletedAtUtc is not null ? " (complete)" : "")}; HEAD it and send from there");
    }

    private static IResult TooLong(AgentUpload upload) => TypedResults.Problem(
        $"the request carries more bytes than the {upload.Length - upload.Offset} left of Upload-Length ({upload.Length}); nothing of it was kept",
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "Upload too large");
}
