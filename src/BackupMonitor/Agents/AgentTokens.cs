using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace BackupMonitor.Agents;

/// <summary>
/// Agent tokens (SPEC §10): `bma_` + 43 base64url characters (32 random bytes). Only their SHA-256 is kept; a token is
/// shown once, when it is made.
/// </summary>
public static partial class AgentTokens
{
    public const string Prefix = "bma_";

    [GeneratedRegex("^bma_[A-Za-z0-9_-]{43}$")]
    private static partial Regex TokenPattern();

    public static string New() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static bool LooksLikeToken(string text) => TokenPattern().IsMatch(text);

    /// <summary>SHA-256 of the token, 64 lowercase hex digits: what the database keeps.</summary>
    public static string Fingerprint(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Compares two fingerprints in constant time.</summary>
    public static bool SameFingerprint(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
