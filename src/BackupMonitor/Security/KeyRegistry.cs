using System.Security.Cryptography;
using BackupMonitor.Api;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Notifications;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Security;

/// <summary>A key just made: its row, and the key itself, shown this once.</summary>
public sealed record NewKey(AccessKey Key, string Secret);

/// <summary>`keys add | list | revoke` and `/api/keys` (SPEC §11): keys kept as SHA-256 fingerprints, each change audited.</summary>
public sealed class KeyRegistry(BackupMonitorDbContext db, AuditTrail audit, TimeProvider time)
{
    public const string Prefix = "bmk_";

    public static string ActorOf(string keyName) => $"key:{keyName}";

    public async Task<NewKey> AddAsync(string? name, string? role, IReadOnlyList<string>? companies, CancellationToken cancellationToken)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name)) throw Bad("name", "is required");
        if (name.Length > 100) throw Bad("name", "is longer than 100 characters");
        if (name.Any(char.IsControl)) throw Bad("name", "must not contain control characters");
        if (!Decisions.Access.TryParseRole(role, out var parsed)) throw Bad("role", $"must be viewer, operator or admin, got '{role}'");
        var list = (companies ?? []).Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (parsed == Role.Admin && list.Count > 0)
            throw Bad("companies", "an admin key sees every company; give companies only to viewer and operator keys");
        if (list.Any(c => c.Length > 200 || c.Contains('\n'))) throw Bad("companies", "each company is at most 200 characters on one line");
        if (await db.AccessKeys.AnyAsync(k => k.Name == name, cancellationToken))
            throw new RoutingRequestException(RoutingProblem.Conflict, "name", $"a key named '{name}' already exists");

        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new AccessKey
        {
            Name = name, Role = parsed, Companies = AccessKey.JoinCompanies(list),
            Fingerprint = Convert.ToHexStringLower(ApiKeys.Fingerprint(secret)), CreatedAtUtc = time.GetUtcNow().UtcDateTime,
        };
        db.AccessKeys.Add(key);
        audit.Record("key.add", $"key:{name}", new { name, role = Decisions.Access.Wire(parsed), companies = list });
        await db.SaveChangesAsync(cancellationToken);
        return new NewKey(key, secret);
    }

    public Task<List<AccessKey>> ListAsync(CancellationToken cancellationToken) =>
        db.AccessKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync(cancellationToken);

    /// <summary>Revokes the key: its next request (or dashboard page) is refused. Revoking again changes nothing.</summary>
    public async Task<AccessKey> RevokeAsync(int id, CancellationToken cancellationToken)
    {
        var key = await db.AccessKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken)
            ?? throw new RoutingRequestException(RoutingProblem.NotFound, "id", $"no key with id {id}");
        if (key.RevokedAtUtc is not null) return key;
        key.RevokedAtUtc = time.GetUtcNow().UtcDateTime;
        audit.Record("key.revoke", $"key:{key.Name}", new { id = key.Id });
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    /// <summary>Whether any key can sign in at all: `serve` refuses to start otherwise.</summary>
    public Task<bool> AnyLiveAsync(CancellationToken cancellationToken) => db.AccessKeys.AnyAsync(k => k.RevokedAtUtc == null, cancellationToken);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static RoutingRequestException Bad(string field, string message) => new(RoutingProblem.BadField, field, message);
}
