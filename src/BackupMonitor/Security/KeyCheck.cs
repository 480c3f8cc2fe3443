using System.Security.Cryptography;
using BackupMonitor.Api;
using BackupMonitor.Decisions;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Security;

/// <summary>
/// Who a presented key is: a key of API_KEYS (admin) or API_READ_KEYS (unscoped viewer), else a key of the database
/// that is not revoked. Settings keys are compared with every configured one in constant time; a database key is found
/// by its fingerprint's index, then compared in constant time. Asked on every request, so a revocation, or a key
/// removed from the settings, takes effect on the next one (dashboard sessions included).
/// </summary>
public sealed class KeyCheck(ApiKeys settingsKeys, BackupMonitorDbContext db, TimeProvider time)
{
    public const string SettingsFullActor = "settings:API_KEYS";
    public const string SettingsReadActor = "settings:API_READ_KEYS";
    /// <summary>last_used_at_utc moves at most this often: one write a minute per key, not one per request.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public Task<AccessCaller?> CheckAsync(string presented, CancellationToken cancellationToken) =>
        CheckFingerprintAsync(ApiKeys.Fingerprint(presented), cancellationToken);

    public async Task<AccessCaller?> CheckFingerprintAsync(byte[] fingerprint, CancellationToken cancellationToken)
    {
        switch (settingsKeys.CheckFingerprint(fingerprint))
        {
            case ApiAccess.Full: return new AccessCaller(SettingsFullActor, Role.Admin, []);
            case ApiAccess.Read: return new AccessCaller(SettingsReadActor, Role.Viewer, []);
        }
        var hex = Convert.ToHexStringLower(fingerprint);
        var key = await db.AccessKeys.AsNoTracking().Where(k => k.Fingerprint == hex && k.RevokedAtUtc == null)
            .Select(k => new { k.Id, k.Name, k.Role, k.Companies, k.Fingerprint, k.LastUsedAtUtc }).FirstOrDefaultAsync(cancellationToken);
        if (key is null || !CryptographicOperations.FixedTimeEquals(Convert.FromHexString(key.Fingerprint), fingerprint)) return null;
        var now = time.GetUtcNow().UtcDateTime;
        if (key.LastUsedAtUtc is not { } last || now - last >= LastUsedResolution)
        {
            var stale = now - LastUsedResolution;
            await db.AccessKeys.Where(k => k.Id == key.Id && (k.LastUsedAtUtc == null || k.LastUsedAtUtc <= stale))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAtUtc, now), cancellationToken);
        }
        return new AccessCaller(KeyRegistry.ActorOf(key.Name), key.Role, key.Companies is null ? [] : key.Companies.Split('\n'));
    }
}
