using System.Security.Cryptography;
using BackupMonitor.Domain;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Uploads;

/// <summary>
/// The state of tus uploads in the database (SPEC §10), shared by every `serve` on it: the offset recorded here is
/// the truth, a PATCH holds its upload with the one claim mechanism (<see cref="Claims"/>) while it writes.
/// </summary>
public sealed class UploadStore(BackupMonitorDbContext db, Claims claims, TimeProvider time)
{
    internal static readonly ClaimTable<AgentUpload> Holds =
        new(nameof(AgentUpload.Id), nameof(AgentUpload.HeldBy), nameof(AgentUpload.HeldUntilUtc), ClearsHolder: true);

    /// <summary>How long a PATCH's hold lasts without renewal (a writer renews it while bytes flow; a dead one's lapses).</summary>
    public static readonly TimeSpan HoldTime = TimeSpan.FromMinutes(2);

    public DateTime Now => time.UtcNow();

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Records a new upload; false when a live upload of the same agent already has the name (even in another process).</summary>
    public async Task<bool> TryCreateAsync(AgentUpload upload, CancellationToken cancellationToken)
    {
        db.AgentUploads.Add(upload);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    public Task<bool> LiveNameExistsAsync(string agentId, string fileName, CancellationToken cancellationToken) =>
        db.AgentUploads.AnyAsync(u => u.AgentId == agentId && u.FileName == fileName && u.CompletedAtUtc == null && u.ExpiresAtUtc >= Now, cancellationToken);

    /// <summary>The agent's upload with this id that has not expired, or null (another agent's upload is never found).</summary>
    public Task<AgentUpload?> FindAsync(string agentId, string id, CancellationToken cancellationToken) =>
        db.AgentUploads.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id && u.AgentId == agentId && u.ExpiresAtUtc >= Now, cancellationToken);

    /// <summary>Bytes still owed to live uploads: what they will write to staging before they complete.</summary>
    public async Task<long> BytesOwedAsync(CancellationToken cancellationToken) =>
        (await db.AgentUploads.Where(u => u.CompletedAtUtc == null && u.ExpiresAtUtc >= Now).Select(u => u.Length - u.Offset).ToListAsync(cancellationToken)).Sum();

    /// <summary>Holds the upload for one PATCH; false when another PATCH holds it. A hold left by a dead process of this machine is freed first.</summary>
    public async Task<bool> TryHoldAsync(string id, CancellationToken cancellationToken)
    {
        if (await claims.TakeAsync(Holds, [id], Now + HoldTime, renewOwn: false, cancellationToken) == 1) return true;
        await claims.FreeClaimsOfDeadProcessesAsync(Holds, cancellationToken);
        return await claims.TakeAsync(Holds, [id], Now + HoldTime, renewOwn: false, cancellationToken) == 1;
    }

    public Task RenewHoldAsync(string id, CancellationToken cancellationToken) =>
        claims.TakeAsync(Holds, [id], Now + HoldTime, renewOwn: true, cancellationToken);

    public Task ReleaseAsync(string id) => claims.ReleaseAsync(Holds, [id]);

    /// <summary>Records the bytes now safely in the `.part` (flushed) and moves the expiry on.</summary>
    public Task SetOffsetAsync(string id, long offset, DateTime expiresAtUtc, CancellationToken cancellationToken) =>
        db.AgentUploads.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Offset, offset).SetProperty(u => u.ExpiresAtUtc, expiresAtUtc), cancellationToken);

    public Task MarkCompletedAsync(string id, CancellationToken cancellationToken) =>
        db.AgentUploads.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.CompletedAtUtc, Now), cancellationToken);

    public Task DeleteAsync(string id, CancellationToken cancellationToken) =>
        db.AgentUploads.Where(u => u.Id == id).ExecuteDeleteAsync(cancellationToken);

    /// <summary>Uploads past their expiry and not held by a writer: their `.part` files are to be removed, then their rows.</summary>
    public Task<List<AgentUpload>> ExpiredAsync(CancellationToken cancellationToken) =>
        db.AgentUploads.AsNoTracking().Where(u => u.ExpiresAtUtc < Now && (u.HeldUntilUtc == null || u.HeldUntilUtc < Now)).OrderBy(u => u.ExpiresAtUtc).Take(500).ToListAsync(cancellationToken);
}
