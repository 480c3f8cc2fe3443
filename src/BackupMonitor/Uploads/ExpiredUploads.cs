using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Uploads;

/// <summary>
/// `serve` removes expired uploads (SPEC §10): an upload no PATCH touched for AGENT_UPLOAD_EXPIRY_HOURS loses its
/// `.part` (it never was a backup), then its row; a completed upload's row goes when its expiry passes.
/// </summary>
public sealed class ExpiredUploads(IServiceScopeFactory scopes, TimeProvider time, ILogger<ExpiredUploads> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                try
                {
                    await RemoveExpiredAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Removing expired uploads failed; trying again in {Seconds} s", (int)Interval.TotalSeconds);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    /// <summary>One pass: every expired upload not held by a writer. Returns how many were removed.</summary>
    public async Task<int> RemoveExpiredAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<UploadStore>();
        var staging = scope.ServiceProvider.GetRequiredService<AgentStaging>();
        var removed = 0;
        foreach (var upload in await store.ExpiredAsync(cancellationToken))
        {
            if (!await store.TryHoldAsync(upload.Id, cancellationToken)) continue;
            try
            {
                if (upload.CompletedAtUtc is null)
                {
                    var part = Path.Combine(staging.DatabaseFolder(upload.AgentId), upload.PartFileName);
                    if (AgentStaging.IsCompleteFile(part)) File.Delete(part);
                    logger.LogInformation("Upload {Upload} of agent {Agent} ({File}, {Offset} of {Length} bytes) expired; its partial file was removed",
                        upload.Id, upload.AgentId, upload.FileName, upload.Offset, upload.Length);
                }
                await store.DeleteAsync(upload.Id, cancellationToken);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or StagingFolderLinkException)
            {
                logger.LogWarning("Upload {Upload} of agent {Agent} expired but its partial file could not be removed: {Error}", upload.Id, upload.AgentId, e.Message);
            }
            finally
            {
                await store.ReleaseAsync(upload.Id);
            }
        }
        return removed;
    }
}
