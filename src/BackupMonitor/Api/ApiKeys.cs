using System.Security.Cryptography;
using System.Text;
using BackupMonitor.Configuration;

namespace BackupMonitor.Api;

public enum ApiAccess { Read, Full }

/// <summary>
/// The bearer keys of API_KEYS (admin) and API_READ_KEYS (viewer of every company; SPEC §11). Only SHA-256 hashes are kept, and a presented
/// key is compared with every one of them in constant time, so neither timing nor a memory dump gives a key away.
/// </summary>
public sealed class ApiKeys
{
    public const int MinimumLength = 16;

    private readonly byte[][] full;
    private readonly byte[][] read;

    private ApiKeys(IEnumerable<string> full, IEnumerable<string> read)
    {
        this.full = full.Select(Hash).ToArray();
        this.read = read.Select(Hash).ToArray();
    }

    /// <summary>
    /// `serve` refuses to start without a key, in the settings or made by `keys add` (checked once the database is
    /// open): an API that answers anyone would expose every site's backup history and let anyone register or
    /// deactivate jobs. Messages name the setting, never a key.
    /// </summary>
    public const string NoKeyMessage =
        "API_KEYS: serve needs at least one API key: API_KEYS (admin), API_READ_KEYS (viewer of every company), e.g. from `openssl rand -hex 32`, or a key made by `keys add`";

    public bool IsEmpty => full.Length == 0 && read.Length == 0;

    /// <summary>The keys of the settings; none is allowed here (the database may hold keys). Short keys are refused.</summary>
    public static ApiKeys From(Settings settings)
    {
        foreach (var (name, keys) in new[] { ("API_KEYS", settings.ApiKeys), ("API_READ_KEYS", settings.ApiReadKeys) })
        {
            if (keys.Any(k => k.Length < MinimumLength))
                throw new SettingsException($"{name}: every key must be at least {MinimumLength} characters long");
        }
        return new ApiKeys(settings.ApiKeys, settings.ApiReadKeys);
    }

    /// <summary>The access a presented key gives, or null for an unknown key. A key in both lists is full.</summary>
    public ApiAccess? Check(string presented) => CheckFingerprint(Fingerprint(presented));

    /// <summary>
    /// The access of the key whose <see cref="Fingerprint"/> this is, or null when no configured key has it: the
    /// dashboard's session keeps only the fingerprint, so a session ends when its key is removed from the settings.
    /// </summary>
    public ApiAccess? CheckFingerprint(byte[] hash)
    {
        var isFull = false;
        var isRead = false;
        // No early exit: the time taken does not depend on which key (if any) matched.
        foreach (var key in full) isFull |= CryptographicOperations.FixedTimeEquals(hash, key);
        foreach (var key in read) isRead |= CryptographicOperations.FixedTimeEquals(hash, key);
        return isFull ? ApiAccess.Full : isRead ? ApiAccess.Read : null;
    }

    /// <summary>SHA-256 of the key: what is kept instead of the key itself.</summary>
    public static byte[] Fingerprint(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static byte[] Hash(string key) => Fingerprint(key);
}
